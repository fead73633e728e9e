// The one thin file that opens a real port: the simulator's end of a pseudo-terminal.
import { SerialPort } from 'serialport';
import { SimError } from '../errors.ts';
import { createPtyPair, type PtyOptions, type PtyPair } from './pty.ts';

export interface OpenedPty {
  pty: PtyPair;
  port: SerialPort;
  close(): Promise<void>;
}

/** Create a socat PTY pair and open the simulator's end with serialport (115200 8N1; baud is moot on a pty). */
export async function openSimPty(opts: PtyOptions = {}): Promise<OpenedPty> {
  const pty = await createPtyPair(opts);
  const port = new SerialPort({ path: pty.simPath, baudRate: 115200, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    await pty.stop();
    throw new SimError('SIM_PTY', `cannot open ${pty.simPath}: ${(err as Error).message}`, { cause: err });
  }
  port.on('error', () => {}); // errors after close (socat gone) are not interesting
  let closed = false;
  return {
    pty,
    port,
    async close() {
      if (closed) return;
      closed = true;
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
      await pty.stop();
    },
  };
}
