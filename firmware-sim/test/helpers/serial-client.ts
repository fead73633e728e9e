// The kiosk's side of a pseudo-terminal in tests: serialport on the real pty.
import { SerialPort } from 'serialport';

export async function openClient(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

export function closeClient(port: SerialPort | undefined): Promise<void> {
  if (!port?.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}

/** Collect bytes from a port until `done(buffer)` is true, or reject after timeoutMs. */
export function collect(port: SerialPort, done: (buf: Buffer) => boolean, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      port.off('data', on);
      reject(
        new Error(
          `timed out after ${timeoutMs} ms with ${buf.length} bytes: ${buf.toString('hex').slice(0, 80)}`,
        ),
      );
    }, timeoutMs);
    const on = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (done(buf)) {
        clearTimeout(timer);
        port.off('data', on);
        resolve(buf);
      }
    };
    port.on('data', on);
  });
}
