// Kiosk chaos (reliability contract point 7: the kiosk never loses a ticket). The kiosk service
// runs as its own process (`kiosk/src/server.ts`) with the firmware-sim printer and ID-card reader
// on real pseudo-terminals, kept in this process so they outlive the kiosk. Faults: kill -9 of the
// kiosk while tickets are being issued and printed, the printer unplugged mid-print, paper out
// mid-queue, the reader unplugged mid-read.
//
// The ledger, from the outside: tickets the API answered (issued), tickets the queue holds after
// recovery, tickets that came out of the printer (its decoded output, by number), lost (answered
// but not in the queue, or in the queue and never printed: must be 0) and printed twice (0, or
// each one shown to staff as "may have printed" — a failed job saying "check whether the ticket
// came out" — before the staff retry that printed it again).
//
// Deterministic schedule: CHAOS_SEED (printed with the ledger and in every failure message).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type IdCardReaderHandle,
  type PrinterHandle,
  startIdCardReader,
  startPrinter,
} from '@linli/firmware-sim';
import type { PrintedTicket } from '@linli/firmware-sim/printer/printer.ts';
import { maskName } from '@linli/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, killed } from './gateway-helpers.ts';
import { call as callAt, type KioskProcess, loginAt, startKioskProcess } from './kiosk-process.ts';
import { seededRandom as rng } from './seeded.ts';

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const PASSWORD = 'chaos-kiosk-admin-1';
const MAY_HAVE_PRINTED = /check whether the ticket came out/;
/** The printer confirmed (GS r 1 unanswered after the job) that the ticket stopped before its end:
 *  a retry is right, and a ticket that in fact came out whole would show as printed twice. */
const NOT_COMPLETE = /did not print completely/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string | undefined;
let kiosk: KioskProcess | undefined;
const sims: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  if (kiosk) {
    kiosk.proc.kill('SIGKILL');
    await killed(kiosk.proc);
  }
  kiosk = undefined;
  for (const s of sims.splice(0)) await s.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function kill9(): Promise<void> {
  kiosk!.proc.kill('SIGKILL');
  await killed(kiosk!.proc);
}

const startKiosk = startKioskProcess;
const call = (method: string, path: string, body?: unknown, cookie?: string) =>
  callAt(kiosk!.base, method, path, body, cookie);
const staffLogin = () => loginAt(kiosk!.base, '/api/auth/login', 'admin', PASSWORD);

interface TicketRow {
  id: string;
  number: string;
  state: string;
}
interface JobRow {
  jobId: string;
  ticketId?: string;
  state: string;
  reason?: string;
}

/** Every printer the kiosk printed on (a replugged printer is a new simulator): all tickets out. */
class Paper {
  readonly sims: PrinterHandle[] = [];
  get tickets(): PrintedTicket[] {
    return this.sims.flatMap((s) => s.tickets);
  }
  /** How many times each ticket number came out of a printer. */
  countOf(number: string): number {
    const re = new RegExp(`(^|[^A-Z0-9])${number}([^0-9]|$)`);
    return this.tickets.filter((t) => re.test(t.text)).length;
  }
}

interface KioskLedger {
  scenario: string;
  seed: number;
  faults: string[];
  answered: number;
  inQueue: number;
  printed: number;
  lost: number;
  withoutPrintJob: number;
  printedTwice: number;
  printedTwiceShownFirst: number;
  staffRetries: number;
}

/**
 * Recover as staff would, then count. Staff see the print jobs: a failed one saying "check whether
 * the ticket came out" is retried (the resident has no ticket in hand) — that is the "shown to
 * staff before any retry" the ledger allows a second print for. Bounded in rounds and time.
 */
async function settleAndCount(
  scenario: string,
  faults: string[],
  answered: Map<string, string>,
  paper: Paper,
): Promise<{ ledger: KioskLedger; tickets: TicketRow[]; jobs: JobRow[]; shownFirst: Set<string> }> {
  const cookie = await staffLogin();
  const shownFirst = new Set<string>(); // ticket ids flagged "may have printed" before a retry
  let retries = 0;
  let tickets: TicketRow[] = [];
  let jobs: JobRow[] = [];
  const deadline = Date.now() + 15_000;
  for (let round = 0; round < 100 && Date.now() < deadline; round++) {
    tickets = (await call('GET', '/api/tickets', undefined, cookie)).body.tickets as TicketRow[];
    jobs = (await call('GET', '/api/hardware/print-jobs?limit=1000', undefined, cookie)).body
      .jobs as JobRow[];
    for (const j of jobs.filter((j) => j.state === 'failed')) {
      expect(j.reason, `failed job ${j.jobId} says why`).toMatch(
        new RegExp(`${MAY_HAVE_PRINTED.source}|${NOT_COMPLETE.source}`),
      );
      if (j.ticketId && MAY_HAVE_PRINTED.test(j.reason ?? '')) shownFirst.add(j.ticketId);
      const r = await call('POST', `/api/hardware/print-jobs/${j.jobId}/retry`, {}, cookie);
      if (r.status === 200) retries++;
    }
    const pending = jobs.some((j) => ['queued', 'printing', 'held', 'failed'].includes(j.state));
    const unprinted = tickets.filter((t) => paper.countOf(t.number) === 0);
    if (!pending && unprinted.length === 0) break;
    await sleep(250);
  }
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const jobTickets = new Set(jobs.map((j) => j.ticketId));
  const twice = tickets.filter((t) => paper.countOf(t.number) > 1);
  const ledger: KioskLedger = {
    scenario,
    seed: SEED,
    faults,
    answered: answered.size,
    inQueue: tickets.length,
    printed: tickets.filter((t) => paper.countOf(t.number) > 0).length,
    lost:
      [...answered.keys()].filter((id) => !byId.has(id)).length +
      tickets.filter((t) => paper.countOf(t.number) === 0).length,
    withoutPrintJob: tickets.filter((t) => !jobTickets.has(t.id)).length,
    printedTwice: twice.filter((t) => !shownFirst.has(t.id)).length,
    printedTwiceShownFirst: twice.filter((t) => shownFirst.has(t.id)).length,
    staffRetries: retries,
  };
  console.log(`kiosk chaos ledger ${JSON.stringify(ledger)}`);
  return { ledger, tickets, jobs, shownFirst };
}

function baseEnv(dataDir: string, printer: string, idcard = 'none'): Record<string, string> {
  return {
    LINLI_KIOSK_DATA_DIR: dataDir,
    LINLI_KIOSK_ADMIN_PASSWORD: PASSWORD,
    LINLI_KIOSK_PRINTER: printer,
    LINLI_KIOSK_IDCARD: idcard,
    LINLI_KIOSK_SCANNER: 'none',
    LINLI_KIOSK_ENFORCE_HOURS: 'false',
    LINLI_KIOSK_LOG_LEVEL: 'warn',
    LINLI_KIOSK_CHECKPOINT_MS: '0',
  };
}

async function plugPrinter(paper: Paper, link: string, paperTickets?: number): Promise<PrinterHandle> {
  const sim = await startPrinter({ link, control: false, ...(paperTickets ? { paperTickets } : {}) });
  paper.sims.push(sim);
  sims.push(sim);
  return sim;
}

describe('kiosk chaos: no ticket lost, none printed twice unseen', () => {
  it('kill -9 of the kiosk while issuing and printing, several times', async () => {
    const random = rng(SEED);
    dir = mkdtempSync(join(tmpdir(), 'linli-kiosk-chaos-'));
    const link = join(dir, 'printer');
    const paper = new Paper();
    const sim = await plugPrinter(paper, link);
    const port = await freePort();
    const env = baseEnv(join(dir, 'data'), link);
    kiosk = await startKiosk(env, port, 90_000);
    const answered = new Map<string, string>(); // ticket id → number
    const faults: string[] = [];
    const KILLS = 2; // and a third as a held batch prints, below
    for (let k = 0; k < KILLS; k++) {
      // six residents at once, as in issue #10 (defect 15), each issuing until the kill
      let stop = false;
      const loops = Array.from({ length: 6 }, async () => {
        for (let i = 0; i < 50 && !stop; i++) {
          try {
            const r = await call('POST', '/api/tickets', { serviceId: 'general', identity: 'anonymous' });
            if (r.status === 201 || r.status === 200) {
              const t = r.body.ticket as TicketRow;
              answered.set(t.id, t.number);
            }
          } catch {
            return; // the kiosk died under this request: the resident got no answer
          }
        }
      });
      // the kill comes at a random moment once tickets are flowing (the first answer after a start is slow)
      const flowing = answered.size;
      for (let w = 0; w < 100 && answered.size === flowing; w++) await sleep(100);
      const after = 50 + Math.floor(random() * 400);
      await sleep(after);
      faults.push(`kill -9 kiosk ${after} ms into issuing (${answered.size} answered)`);
      await kill9();
      stop = true;
      await Promise.all(loops);
      kiosk = await startKiosk(env, port, 90_000);
    }
    // and once more while the printer is busy: five tickets wait while it is offline, it comes
    // back, and the kiosk dies as the first of them comes out (the next is printing or about to)
    sim.setStatus({ offline: true });
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/api/tickets', { serviceId: 'general', identity: 'anonymous' });
      expect(r.status).toBe(201);
      const t = r.body.ticket as TicketRow;
      answered.set(t.id, t.number);
    }
    const firstOut = new Promise<void>((resolve) => sim.on('ticket', () => resolve()));
    sim.setStatus({ offline: false });
    await Promise.race([firstOut, sleep(20_000)]);
    faults.push('kill -9 kiosk as the first of 5 held tickets came out');
    await kill9();
    kiosk = await startKiosk(env, port, 90_000);

    const { ledger } = await settleAndCount('kill -9 while issuing and printing', faults, answered, paper);
    const why = `CHAOS_SEED=${SEED}`;
    expect(ledger.answered, why).toBeGreaterThan(10);
    // issue #10 defect 15 (fix a): a ticket committed without its print job when killed mid-issue
    expect(ledger.withoutPrintJob, `${why}: tickets in the queue with no print job`).toBe(0);
    expect(ledger.lost, `${why}: tickets answered and not queued, or queued and never printed`).toBe(0);
    expect(ledger.printedTwice, `${why}: printed twice without being shown as "may have printed"`).toBe(0);
  }, 240_000);

  it('printer unplugged mid-print and paper out mid-queue: every ticket comes out once, a complete one is never marked failed', async () => {
    const random = rng(SEED + 1);
    dir = mkdtempSync(join(tmpdir(), 'linli-kiosk-chaos-'));
    const link = join(dir, 'printer');
    const paper = new Paper();
    let sim = await plugPrinter(paper, link);
    const port = await freePort();
    kiosk = await startKiosk(baseEnv(join(dir, 'data'), link), port);
    const answered = new Map<string, string>();
    const issue = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await call('POST', '/api/tickets', { serviceId: 'general', identity: 'anonymous' });
        expect(r.status).toBe(201);
        const t = r.body.ticket as TicketRow;
        answered.set(t.id, t.number);
      }
    };
    const faults: string[] = [];

    // 1. unplugged mid-print: tickets keep being issued while the printer is gone, then it returns
    const burst = issue(8);
    const after = 20 + Math.floor(random() * 150);
    await sleep(after);
    faults.push(`printer unplugged ${after} ms into a burst of 8 tickets`);
    await sim.stop();
    await burst;
    await sleep(300 + Math.floor(random() * 500));
    sim = await plugPrinter(paper, link);

    // 2. paper out mid-queue: a roll with paper for 3 tickets, 6 queued
    await settleAndCount('unplug (interim)', faults, answered, paper);
    await sim.stop();
    sim = await plugPrinter(paper, link, 3);
    const before = paper.tickets.length;
    faults.push('paper for 3 tickets, 6 issued');
    await issue(6);
    const deadline = Date.now() + 15_000;
    while (paper.tickets.length - before < 3 && Date.now() < deadline) await sleep(100);
    await sleep(1500); // the queue sees the roll out and holds the rest
    const cookie = await staffLogin();
    const jobs = (await call('GET', '/api/hardware/print-jobs?limit=1000', undefined, cookie)).body
      .jobs as JobRow[];
    const held = jobs.filter((j) => j.state === 'held');
    expect(held.length, 'the tickets without paper wait, held').toBeGreaterThan(0);
    // every ticket that came out completely is 'printed'. Depends on the fix of issue #10 defect 16
    // (fix b): today the last ticket before the roll ran out is marked failed.
    for (const [id, number] of answered) {
      if (paper.countOf(number) !== 1) continue;
      const job = jobs.find((j) => j.ticketId === id);
      if (job) expect.soft(job.state, `ticket ${number} came out whole; its job`).toBe('printed');
    }
    // a full roll: the simulator's roll is its paperTickets, so the printer comes back with an endless one
    faults.push('roll replaced');
    await sim.stop();
    sim = await plugPrinter(paper, link);

    const { ledger } = await settleAndCount('printer unplugged, paper out', faults, answered, paper);
    const why = `CHAOS_SEED=${SEED}`;
    expect(ledger.lost, why).toBe(0);
    expect(ledger.withoutPrintJob, why).toBe(0);
    expect(ledger.printedTwice, why).toBe(0);
    expect(ledger.printed, why).toBe(answered.size);
  }, 240_000);

  it('reader unplugged mid-read: the next resident is read afresh and gets the ticket in their own name', async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-kiosk-chaos-'));
    const printerLink = join(dir, 'printer');
    const readerLink = join(dir, 'idcard');
    const paper = new Paper();
    await plugPrinter(paper, printerLink);
    let reader: IdCardReaderHandle = await startIdCardReader({ link: readerLink, control: false });
    sims.push(reader);
    const port = await freePort();
    kiosk = await startKiosk(baseEnv(join(dir, 'data'), printerLink, readerLink), port);
    const card = async () => (await call('GET', '/api/kiosk/card')).body;
    const waitFor = async (pred: (c: Record<string, unknown>) => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        if (pred(await card())) return;
        await sleep(100);
      }
      throw new Error(`${what} within 15 s: ${JSON.stringify(await card())}`);
    };
    // a slow read (RF transfer), and the reader is pulled out in the middle of it
    reader.setFault({ name: 'slow', delayMs: 1500, count: 1 });
    reader.place('wang-86');
    // pulled out once the kiosk has asked for the card text: the reply is on its (slow) way
    const asked = () => reader.received.some((c) => c.name.startsWith('readText'));
    for (let i = 0; i < 150 && !asked(); i++) await sleep(100);
    expect(asked(), 'the kiosk started reading the card').toBe(true);
    await sleep(200);
    await reader.stop();
    await sleep(500);
    reader = await startIdCardReader({ link: readerLink, control: false });
    sims.push(reader);
    const shownName = (key: string) => {
      const c = reader.residents.get(key)!.card;
      return maskName('name' in c ? c.name : c.chineseName);
    };
    reader.place('li-92');
    const nextName = shownName('li-92');
    await waitFor((c) => JSON.stringify(c).includes(nextName), 'the replugged reader reads the next card');
    expect(JSON.stringify(await card())).not.toContain(shownName('wang-86'));
    const r = await call('POST', '/api/tickets', { serviceId: 'general', identity: 'card' });
    expect(r.status).toBe(201);
    const t = r.body.ticket as TicketRow;
    const { ledger } = await settleAndCount(
      'reader unplugged mid-read',
      ['reader unplugged mid-read'],
      new Map([[t.id, t.number]]),
      paper,
    );
    expect(ledger.lost).toBe(0);
    expect(ledger.printedTwice).toBe(0);
  }, 120_000);
});
