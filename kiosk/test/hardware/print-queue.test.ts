// The print queue over a MockBinding line to a scripted ESC/POS printer, with its SQLite file in
// a temp dir: held while out of paper, printed exactly once when paper returns, never lost
// across a restart, never re-sent by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EscPos } from '@linli/shared';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { KioskBus } from '../../src/events.ts';
import { HealthRegistry } from '../../src/hardware/health.ts';
import { PrintQueue, type PrintQueueOptions } from '../../src/hardware/printer/print-queue.ts';
import { PrintStore } from '../../src/hardware/printer/print-store.ts';
import {
  createMockPath,
  Events,
  log,
  type MockLine,
  openMockLine,
  ScriptedPrinter,
  until,
} from './helpers.ts';

const fast: Partial<PrintQueueOptions> = {
  heldPollMs: 50,
  idleStatusMs: 100,
  timeouts: { status: 500, write: 2000 },
};
const ticket = (n: string): Buffer =>
  new EscPos().init().align('center').size(2, 2).line(`A${n}`).cut().build();

interface Rig {
  dir: string;
  bus: KioskBus;
  events: Events;
  health: HealthRegistry;
  store: PrintStore;
  queue: PrintQueue;
  printer: ScriptedPrinter;
  line: MockLine;
}
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'linli-pq-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function rig(
  dir = tempDir(),
  printer = new ScriptedPrinter(),
  attach = true,
  options: Partial<PrintQueueOptions> = {},
): Promise<Rig> {
  const bus = new KioskBus();
  const events = new Events(bus);
  const health = new HealthRegistry(bus);
  health.add('printer', { connected: true, state: 'ok' });
  const store = new PrintStore(dir);
  const queue = new PrintQueue(store, bus, health, log, { ...fast, ...options });
  const line = await openMockLine(createMockPath(), (bytes, l) => printer.feed(bytes, (b) => l.emitData(b)));
  queue.start();
  if (attach) queue.attach(line.transport);
  const r = { dir, bus, events, health, store, queue, printer, line };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await queue.stop();
    store.close();
    events.stop();
    await line.transport.close();
  };
  cleanups.push(stop);
  (r as Rig & { stop: () => Promise<void> }).stop = stop;
  return r;
}
const stopRig = (r: Rig): Promise<void> => (r as Rig & { stop: () => Promise<void> }).stop();

describe('print queue', () => {
  it('asks the status, prints, and marks the job printed', async () => {
    const { queue, events, printer } = await rig();
    const bytes = ticket('001');
    const job = queue.enqueue({ ticketId: 't1', bytes });
    expect(job.state).toBe('queued');
    const printed = await events.next('print.job', (e) => e.state === 'printed');
    expect(printed).toMatchObject({ jobId: job.jobId, ticketId: 't1' });
    expect(events.of('print.job').map((e) => e.state)).toEqual(['queued', 'printing', 'printed']);
    expect(printer.occurrences(bytes)).toBe(1);
    expect(printer.queries).toBeGreaterThanOrEqual(6); // DLE EOT 1, 2, 4 before and after
    expect(queue.list()[0]).toMatchObject({ jobId: job.jobId, state: 'printed' });
    expect(queue.list()[0]!.printedAt).toBeTypeOf('number');
  });

  it('jobs back to back: the good status read after one job stands for the next; a stale one does not', async () => {
    const { queue, events, printer } = await rig(undefined, undefined, true, { freshStatusMs: 250 });
    // Three jobs queued at once print back to back: 3 queries before the first, 3 after each (12),
    // plus 3 if the queue's first idle poll ran before they were queued; asking before each job
    // as well would be 18 or more.
    const jobs = ['011', '012', '013'].map((n) => queue.enqueue({ ticketId: `t${n}`, bytes: ticket(n) }));
    for (const job of jobs)
      await events.next('print.job', (e) => e.state === 'printed' && e.jobId === job.jobId);
    expect(printer.queries).toBeGreaterThanOrEqual(12);
    expect(printer.queries).toBeLessThanOrEqual(15);
    // A job queued later than freshStatusMs (250 ms) after the last one: its status is asked again.
    await new Promise((r) => setTimeout(r, 300));
    const before = printer.queries;
    const late = queue.enqueue({ ticketId: 't014', bytes: ticket('014') });
    await events.next('print.job', (e) => e.state === 'printed' && e.jobId === late.jobId);
    expect(printer.queries - before).toBeGreaterThanOrEqual(6);
    for (const n of ['011', '012', '013', '014']) expect(printer.occurrences(ticket(n))).toBe(1);
  });

  it('holds a job while out of paper and prints it exactly once when paper returns', async () => {
    const printer = new ScriptedPrinter();
    printer.status.paperOut = true;
    const { queue, events } = await rig(undefined, printer);
    const bytes = ticket('002');
    const job = queue.enqueue({ ticketId: 't2', bytes });
    const held = await events.next('print.job', (e) => e.state === 'held');
    expect(held.reason).toMatch(/out of paper/);
    expect(held.status?.paperOut).toBe(true);
    const h = await events.next('device.health', (x) => x.paper === 'out');
    expect(h.state).toBe('error');
    const queriesWhileHeld = printer.queries;
    await until(() => printer.queries > queriesWhileHeld + 6, 'status polled while held');
    expect(printer.occurrences(bytes)).toBe(0);
    expect(events.of('print.job').filter((e) => e.state === 'held')).toHaveLength(1); // told once, not per poll
    printer.status.paperOut = false;
    await events.next('print.job', (e) => e.state === 'printed' && e.jobId === job.jobId);
    await events.next('device.health', (x) => x.state === 'ok');
    await until(() => printer.queries > queriesWhileHeld + 20, 'more idle polls');
    expect(printer.occurrences(bytes)).toBe(1);
  });

  it('holds on cover open and offline with their reasons', async () => {
    const printer = new ScriptedPrinter();
    printer.status.coverOpen = true;
    const { queue, events } = await rig(undefined, printer);
    queue.enqueue({ bytes: ticket('003') });
    expect((await events.next('print.job', (e) => e.state === 'held')).reason).toMatch(/cover open/);
    printer.status.coverOpen = false;
    printer.status.offline = true;
    expect((await events.next('print.job', (e) => e.state === 'held')).reason).toMatch(/offline/);
    printer.status.offline = false;
    await events.next('print.job', (e) => e.state === 'printed');
  });

  it('warns on paper near end and still prints', async () => {
    const printer = new ScriptedPrinter();
    printer.status.paperNearEnd = true;
    const { queue, events } = await rig(undefined, printer);
    const w = await events.next('device.health', (x) => x.state === 'warning');
    expect(w).toMatchObject({ paper: 'near-end' });
    expect(w.detail).toMatch(/near end/);
    queue.enqueue({ bytes: ticket('004') });
    await events.next('print.job', (e) => e.state === 'printed');
  });

  it('holds while the printer does not answer, prints when it does', async () => {
    const printer = new ScriptedPrinter();
    printer.silent = true;
    const { queue, events } = await rig(undefined, printer);
    queue.enqueue({ bytes: ticket('005') });
    expect((await events.next('print.job', (e) => e.state === 'held')).reason).toMatch(/not responding/);
    printer.silent = false;
    await events.next('print.job', (e) => e.state === 'printed');
  });

  it('a job queued with no printer attached is held, then printed when one attaches', async () => {
    const r = await rig(undefined, undefined, false);
    const bytes = ticket('006');
    r.queue.enqueue({ bytes });
    expect((await r.events.next('print.job', (e) => e.state === 'held')).reason).toMatch(/disconnected/);
    r.queue.attach(r.line.transport);
    await r.events.next('print.job', (e) => e.state === 'printed');
    expect(r.printer.occurrences(bytes)).toBe(1);
  });

  it('a held job survives a restart and prints once afterwards', async () => {
    const dir = tempDir();
    const printer = new ScriptedPrinter();
    printer.status.paperOut = true;
    const first = await rig(dir, printer);
    const bytes = ticket('007');
    const job = first.queue.enqueue({ ticketId: 't7', bytes });
    await first.events.next('print.job', (e) => e.state === 'held');
    await stopRig(first);
    printer.status.paperOut = false;
    const second = await rig(dir, printer);
    const printed = await second.events.next('print.job', (e) => e.state === 'printed');
    expect(printed).toMatchObject({ jobId: job.jobId, ticketId: 't7' });
    expect(printer.occurrences(bytes)).toBe(1);
  });

  it('a job found printing at start (crash mid-job) is failed, not re-sent; staff retry prints it', async () => {
    const dir = tempDir();
    const store = new PrintStore(dir);
    const job = store.add('t8', ticket('008'));
    expect(store.transition(job.jobId, ['queued'], 'printing')).toBe(true);
    store.close();
    const r = await rig(dir);
    const failed = await r.events.next('print.job', (e) => e.state === 'failed');
    expect(failed.reason).toMatch(/interrupted/);
    await until(() => r.printer.queries >= 6, 'idle polls');
    expect(r.printer.occurrences(ticket('008'))).toBe(0);
    expect(() => r.queue.retry('nope')).toThrow(/no print job/);
    const again = r.queue.retry(job.jobId);
    expect(again.state).toBe('queued');
    await r.events.next('print.job', (e) => e.state === 'printed');
    expect(r.printer.occurrences(ticket('008'))).toBe(1);
    expect(() => r.queue.retry(job.jobId)).toThrow(/printed/);
  });

  it('a bad status after the job marks it failed (at most once), never re-sent by itself', async () => {
    const printer = new ScriptedPrinter();
    const r = await rig(undefined, printer);
    const bytes = ticket('009');
    // Paper runs out as the job goes out.
    r.line.onWrite((b) => {
      if (b.includes(bytes)) printer.status.paperOut = true;
    });
    r.queue.enqueue({ bytes });
    const failed = await r.events.next('print.job', (e) => e.state === 'failed');
    expect(failed.reason).toMatch(/out of paper.*check whether the ticket came out/);
    printer.status.paperOut = false;
    await until(() => printer.queries >= 20, 'idle polls');
    expect(printer.occurrences(bytes)).toBe(1);
  });

  it('refuses empty or oversized jobs', async () => {
    const { queue } = await rig();
    expect(() => queue.enqueue({ bytes: Buffer.alloc(0) })).toThrow(/non-empty Buffer/);
    expect(() => queue.enqueue({ bytes: Buffer.alloc(2 << 20) })).toThrow(/exceeds/);
  });

  it('keeps its schema version in the database', async () => {
    const { dir, store } = await rig();
    store.close();
    const db = new Database(join(dir, 'print-queue.sqlite'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});

describe('print queue with printWithoutStatus (write-only printers)', () => {
  it('prints blind when the printer never answers, and says so in health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-pq-'));
    const bus = new KioskBus();
    const events = new Events(bus);
    const health = new HealthRegistry(bus);
    health.add('printer', { connected: true, state: 'ok' });
    const store = new PrintStore(dir);
    const queue = new PrintQueue(store, bus, health, log, { ...fast, printWithoutStatus: true });
    const printer = new ScriptedPrinter();
    printer.silent = true;
    const line = await openMockLine(createMockPath(), (bytes, l) =>
      printer.feed(bytes, (b) => l.emitData(b)),
    );
    queue.start();
    queue.attach(line.transport);
    try {
      const bytes = ticket('010');
      queue.enqueue({ bytes });
      await events.next('print.job', (e) => e.state === 'printed');
      expect(printer.occurrences(bytes)).toBe(1);
      expect(health.get('printer')).toMatchObject({
        state: 'warning',
        detail: expect.stringMatching(/unavailable/),
      });
    } finally {
      await queue.stop();
      store.close();
      events.stop();
      await line.transport.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
