// The printer on a real pseudo-terminal, with its control endpoint.
import type { PrinterStatus } from '@linli/shared';
import { type ControlServer, startControlServer } from '../control.ts';
import { SimError } from '../errors.ts';
import { openSimPty } from '../serial/port.ts';
import { type PrintedTicket, type PrinterOptions, PrinterSim } from './printer.ts';

export interface PrinterHandleOptions extends PrinterOptions {
  link?: string;
  control?: boolean;
  controlPort?: number;
}

export interface PrinterHandle {
  path: string;
  controlUrl: string | undefined;
  printer: PrinterSim;
  tickets: PrintedTicket[];
  setStatus(partial: Partial<PrinterStatus>): PrinterStatus;
  on(event: 'ticket', listener: (t: PrintedTicket) => void): PrinterHandle;
  nextTicket(timeoutMs?: number): Promise<PrintedTicket>;
  stop(): Promise<void>;
}

const PAPER: Record<string, Partial<PrinterStatus>> = {
  ok: { paperOut: false, paperNearEnd: false },
  'near-end': { paperOut: false, paperNearEnd: true },
  out: { paperOut: true, paperNearEnd: true },
};

const summary = (t: PrintedTicket): Record<string, unknown> => ({
  seq: t.seq,
  at: t.at,
  bytes: t.bytes.length,
  text: t.text,
  qr: t.qr,
  cut: t.cut,
  files: t.files,
});

export async function startPrinter(opts: PrinterHandleOptions = {}): Promise<PrinterHandle> {
  const opened = await openSimPty(opts.link ? { link: opts.link } : {});
  const printer = new PrinterSim(opened.port, opts);
  printer.start();
  let control: ControlServer | undefined;
  if (opts.control !== false) {
    control = await startControlServer(
      {
        'GET /state': () => ({
          device: 'printer',
          path: opened.pty.path,
          status: printer.status,
          ready: printer.ready,
          counters: printer.counters,
        }),
        'GET /tickets': () => printer.tickets.map(summary),
        'GET /tickets/latest': () => {
          const t = printer.tickets.at(-1);
          return t ? summary(t) : null;
        },
        'POST /status': (b) => {
          const partial: Partial<PrinterStatus> = {};
          for (const k of ['offline', 'coverOpen', 'paperNearEnd', 'paperOut', 'error'] as const) {
            if (typeof b[k] === 'boolean') partial[k] = b[k];
          }
          return printer.setStatus(partial);
        },
        'POST /paper': (b) => {
          const p = PAPER[String(b.state)];
          if (!p)
            throw new SimError('SIM_CONTROL', `paper state must be one of ${Object.keys(PAPER).join(', ')}`);
          return printer.setStatus(p);
        },
        'POST /cover': (b) => printer.setStatus({ coverOpen: b.state === 'open' || b.open === true }),
        'POST /online': (b) => printer.setStatus({ offline: b.online === false || b.state === 'offline' }),
      },
      opts.controlPort ?? 0,
    );
  }
  let stopped = false;
  const handle: PrinterHandle = {
    path: opened.pty.path,
    controlUrl: control?.url,
    printer,
    tickets: printer.tickets,
    setStatus: (p) => printer.setStatus(p),
    on(event, listener) {
      printer.on(event, listener);
      return handle;
    },
    nextTicket: (t) => printer.nextTicket(t),
    async stop() {
      if (stopped) return;
      stopped = true;
      printer.stop();
      await control?.close();
      await opened.close();
    },
  };
  return handle;
}
