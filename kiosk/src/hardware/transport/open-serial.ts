// The one thin file that opens a real serial port (or a pseudo-terminal) as a ByteTransport.
import { SerialPort } from 'serialport';
import { type ByteTransport, duplexTransport } from './byte-transport.ts';

export async function openSerial(path: string, baudRate: number): Promise<ByteTransport> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return duplexTransport(port, `serial ${path}@${baudRate}`);
}
