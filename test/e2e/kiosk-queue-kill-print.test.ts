// Issue #10 defect 15: `kill -9` of the kiosk while tickets are being issued must not leave a
// ticket without its print job. A real kiosk process (server.ts: hardware, then the app) with
// the simulated printer on a pty is killed with SIGKILL 150 ms into 6 parallel issues, restarted
// on the same data directory, again and again; at the end every ticket issued has exactly one
// print job and no paper is left waiting to be handed over. (Before the fix about 1 run in 11
// of one round lost a print job; 5 rounds of 6 clients issuing back to back until the kill.)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const ROUNDS = 5;
const PARALLEL = 6;
const KILL_AFTER_MS = 150;
const dir = mkdtempSync(join(tmpdir(), 'linli-kill-print-'));
const children: ChildProcess[] = [];

interface Kiosk {
  child: ChildProcess;
  base: string;
}

/** Starts the kiosk in its own process group (so SIGKILL reaches its simulator's socat too). */
function startKiosk(): Promise<Kiosk> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../../kiosk/test/queue/fixtures/serve-with-printer.ts')],
    {
      env: {
        ...process.env,
        LINLI_KIOSK_DATA_DIR: dir,
        LINLI_KIOSK_ADMIN_PASSWORD: 'kill-pass-1',
        LINLI_KIOSK_LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /LISTENING (\d+)/.exec(out)?.[1];
      if (port) resolve({ child, base: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`kiosk exited with ${code}: ${stderr}`)));
  });
}

/** SIGKILL to the kiosk's process group; resolves when the kiosk is gone. */
function killGroup(kiosk: Kiosk, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (kiosk.child.exitCode !== null || kiosk.child.signalCode !== null) return resolve();
    kiosk.child.once('exit', () => resolve());
    try {
      process.kill(-(kiosk.child.pid as number), signal);
    } catch {
      resolve();
    }
  });
}

function issue(base: string): Promise<number> {
  return fetch(`${base}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId: 'general', identity: 'anonymous' }),
  }).then(
    (res) => res.status,
    () => 0, // the process died mid-request
  );
}

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
    }
  rmSync(dir, { recursive: true, force: true });
});

describe('kiosk killed with SIGKILL while issuing tickets', () => {
  it('leaves no ticket without exactly one print job', { timeout: 120_000 }, async () => {
    let kiosk = await startKiosk();
    let answered = 0;
    for (let round = 0; round < ROUNDS; round++) {
      expect(await issue(kiosk.base)).toBe(201); // warm: the next ones are issued at full speed
      answered++;
      let killed = false;
      // 6 clients issuing back to back until the kill, 150 ms in.
      const clients = Array.from({ length: PARALLEL }, async () => {
        while (!killed) if ((await issue(kiosk.base)) === 201 && !killed) answered++;
      });
      await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
      killed = true;
      await killGroup(kiosk, 'SIGKILL');
      await Promise.all(clients);
      kiosk = await startKiosk(); // hands over the paper a crash left behind
    }
    // The last start hands over what the last kill left (right after start, off the request path).
    const pending = () => {
      const db = new Database(join(dir, 'kiosk.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM ticket_prints').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    await expect.poll(pending, { timeout: 10_000 }).toBe(0);
    await killGroup(kiosk, 'SIGTERM');

    const queue = new Database(join(dir, 'kiosk.sqlite'), { readonly: true });
    const print = new Database(join(dir, 'print', 'print-queue.sqlite'), { readonly: true });
    try {
      const tickets = queue.prepare('SELECT id FROM tickets').all() as { id: string }[];
      const jobs = print.prepare('SELECT ticket_id FROM print_jobs').all() as { ticket_id: string }[];
      const jobsPerTicket = new Map<string, number>();
      for (const job of jobs) jobsPerTicket.set(job.ticket_id, (jobsPerTicket.get(job.ticket_id) ?? 0) + 1);
      expect(tickets.length).toBeGreaterThanOrEqual(answered);
      expect(tickets.length).toBeGreaterThan(0);
      expect(tickets.filter((ticket) => jobsPerTicket.get(ticket.id) !== 1)).toEqual([]);
      expect(jobs.length).toBe(tickets.length);
    } finally {
      queue.close();
      print.close();
    }
  });
});
