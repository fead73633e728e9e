// A scanner in serial (USB-CDC) mode on a pseudo-terminal: each code followed by CR.
import { type ControlServer, startControlServer } from '../control.ts';
import { SimError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { openSimPty } from '../serial/port.ts';

export interface SerialScannerOptions {
  link?: string;
  control?: boolean;
  controlPort?: number;
  /** Line terminator after each code (default '\r'). */
  suffix?: string;
  log?: Logger;
}

export interface SerialScannerHandle {
  path: string;
  controlUrl: string | undefined;
  scanned: string[];
  scan(code: string): void;
  stop(): Promise<void>;
}

export async function startSerialScanner(opts: SerialScannerOptions = {}): Promise<SerialScannerHandle> {
  const log = opts.log ?? silentLogger;
  const opened = await openSimPty(opts.link ? { link: opts.link } : {});
  const scanned: string[] = [];
  const scan = (code: string): void => {
    if (!code || /[\r\n]/.test(code))
      throw new SimError('SIM_CONTROL', 'a code is a non-empty line without CR/LF');
    scanned.push(code);
    log.info(`scan: ${code}`);
    opened.port.write(Buffer.from(code + (opts.suffix ?? '\r'), 'utf8'));
  };
  let control: ControlServer | undefined;
  if (opts.control !== false) {
    control = await startControlServer(
      {
        'GET /state': () => ({ device: 'scanner', path: opened.pty.path, scanned: scanned.slice(-20) }),
        'POST /scan': (b) => {
          scan(String(b.code ?? ''));
          return { ok: true };
        },
      },
      opts.controlPort ?? 0,
    );
  }
  let stopped = false;
  return {
    path: opened.pty.path,
    controlUrl: control?.url,
    scanned,
    scan,
    async stop() {
      if (stopped) return;
      stopped = true;
      await control?.close();
      await opened.close();
    },
  };
}
