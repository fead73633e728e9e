// WAL checkpoints off the event loop. A checkpoint writes the WAL back into the database file and
// syncs it; done by SQLite's automatic checkpoint it blocks the committing request (tens of ms on
// a busy disk). Here a worker thread with its own connection runs PASSIVE checkpoints on a timer
// while the main connection's automatic checkpoint is off. Should the worker die, the automatic
// checkpoint is switched back on.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open.ts';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.mod);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const run = () => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (r && r.checkpointed > 0) parentPort.postMessage(r);
  } catch {}
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private worker: Worker | undefined;
  private stopping = false;
  /** Checkpoints that copied frames, and the last result ({busy, log, checkpointed}). */
  runs = 0;
  last: { busy: number; log: number; checkpointed: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly intervalMs: number,
    private readonly log?: { warn(obj: object, msg?: string): void },
  ) {}

  start(): void {
    const mod = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { mod, file: this.file, intervalMs: this.intervalMs },
    });
    this.worker.unref();
    this.worker.on('message', (r: { busy: number; log: number; checkpointed: number }) => {
      this.runs++;
      this.last = r;
    });
    this.db.pragma('wal_autocheckpoint = 0');
    const fallback = (why: string) => {
      if (this.stopping) return;
      this.log?.warn({ why }, 'checkpoint worker stopped; automatic checkpoints back on');
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    };
    this.worker.on('error', (err) => fallback(err.message));
    this.worker.on('exit', (code) => fallback(`exit ${code}`));
  }

  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.stopping = true;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('stop');
    const timer = setTimeout(() => void w.terminate(), 5000);
    await exited;
    clearTimeout(timer);
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }
}
