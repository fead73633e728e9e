// The ID-card reader on a real pseudo-terminal, with its control endpoint.
import type { CardRecord } from '@linli/shared';
import { type ControlServer, startControlServer } from '../control.ts';
import { SimError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { openSimPty } from '../serial/port.ts';
import {
  IdCardReaderSim,
  type PlaceOptions,
  type ReaderFault,
  type ReaderFaultName,
  type ReaderOptions,
} from './reader.ts';
import { residentCatalog, type SimResident } from './residents.ts';

export interface IdCardReaderOptions extends ReaderOptions {
  /** Symlink for the kiosk end (e.g. /tmp/linli-idcard). */
  link?: string;
  /** Extra residents (JSON file), merged over the shipped ones. */
  residentsFile?: string;
  /** Start the local HTTP control endpoint (default true); port 0 = ephemeral. */
  control?: boolean;
  controlPort?: number;
  /** Place this resident at start. */
  initialCard?: string;
  log?: Logger;
}

export interface IdCardReaderHandle {
  /** The pseudo-terminal the kiosk opens. */
  path: string;
  controlUrl: string | undefined;
  reader: IdCardReaderSim;
  residents: Map<string, SimResident>;
  received: IdCardReaderSim['received'];
  /** Place a shipped resident by key, or any card. */
  place(card: string | SimResident | { key?: string; card: CardRecord }, opts?: PlaceOptions): void;
  remove(): void;
  setFault(fault: ReaderFault | ReaderFaultName | 'none' | null): void;
  stop(): Promise<void>;
}

export async function startIdCardReader(opts: IdCardReaderOptions = {}): Promise<IdCardReaderHandle> {
  const residents = residentCatalog(opts.residentsFile);
  const opened = await openSimPty(opts.link ? { link: opts.link } : {});
  const reader = new IdCardReaderSim(opened.port, opts);
  reader.start();
  const place: IdCardReaderHandle['place'] = (card, placeOpts) => {
    if (typeof card === 'string') {
      const r = residents.get(card);
      if (!r)
        throw new SimError(
          'SIM_CARD',
          `no resident ${JSON.stringify(card)}; known: ${[...residents.keys()].join(', ')}`,
        );
      reader.place(r, placeOpts);
    } else reader.place(card, placeOpts);
  };
  let control: ControlServer | undefined;
  if (opts.control !== false) {
    control = await startControlServer(
      {
        'GET /state': () => ({
          device: 'idcard',
          path: opened.pty.path,
          card: reader.card ?? null,
          fault: reader.currentFault ?? null,
          counters: reader.counters,
          recent: reader.received.slice(-20),
        }),
        'GET /residents': () =>
          [...residents.values()].map((r) => ({ key: r.key, label: r.label, type: r.card.type })),
        'POST /place': (b) => {
          if (typeof b.resident === 'string') place(b.resident);
          else if (b.card && typeof b.card === 'object') place({ key: 'custom', card: b.card as CardRecord });
          else throw new SimError('SIM_CONTROL', 'body needs {"resident": "<key>"} or {"card": {...}}');
          return { ok: true, card: reader.card };
        },
        'POST /remove': () => {
          reader.remove();
          return { ok: true };
        },
        'POST /fault': (b) => {
          const name = String(b.name ?? b.fault ?? 'none');
          reader.setFault(
            name === 'none'
              ? null
              : {
                  name: name as ReaderFaultName,
                  ...(typeof b.count === 'number' ? { count: b.count } : {}),
                  ...(typeof b.delayMs === 'number' ? { delayMs: b.delayMs } : {}),
                },
          );
          return { ok: true, fault: reader.currentFault ?? null };
        },
      },
      opts.controlPort ?? 0,
    );
  }
  if (opts.initialCard) place(opts.initialCard);
  let stopped = false;
  return {
    path: opened.pty.path,
    controlUrl: control?.url,
    reader,
    residents,
    received: reader.received,
    place,
    remove: () => reader.remove(),
    setFault: (f) => reader.setFault(f),
    async stop() {
      if (stopped) return;
      stopped = true;
      reader.stop();
      await control?.close();
      await opened.close();
    },
  };
}
