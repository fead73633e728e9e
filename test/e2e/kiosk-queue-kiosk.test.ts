// The whole kiosk in one process as `tsx kiosk/src/server.ts` runs it (kiosk/src/server.ts
// main()): simulated ID-card reader and printer on pseudo-terminals, the queue, the API on a real
// port. A card placed on the reader becomes a masked card.read on the stream; the resident's
// ticket request uses it; the ticket comes out of the printer with the number and the QR URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idCheckChar } from '@linli/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../../kiosk/test/api/sse-client.ts';
import { residentCard } from '../../kiosk/test/queue/helpers.ts';

const SIM_BIN = fileURLToPath(new URL('../../firmware-sim/bin/linli-sim.mjs', import.meta.url));
const first17 = '11010519491231002';
const ID = first17 + idCheckChar(first17);
let dir: string;
let running: Awaited<ReturnType<typeof import('../../kiosk/src/server.ts').main>> | undefined;
let base: string;
let sse: SseClient | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'linli-kiosk-e2e-'));
  Object.assign(process.env, {
    LINLI_SIM_STATE_DIR: join(dir, 'sim-state'), // where `linli-sim ctl` finds the simulators
    LINLI_KIOSK_DATA_DIR: dir,
    LINLI_KIOSK_PORT: '0',
    LINLI_KIOSK_ENFORCE_HOURS: 'false',
    LINLI_KIOSK_ADMIN_PASSWORD: 'e2e-admin-pass-1',
    LINLI_KIOSK_LOG_LEVEL: 'silent',
    LINLI_KIOSK_PUBLIC_URL: 'http://kiosk.test',
    // Chosen explicitly: an unset device is 'not configured', never a simulator.
    LINLI_KIOSK_IDCARD: 'simulated',
    LINLI_KIOSK_PRINTER: 'simulated',
    LINLI_KIOSK_SCANNER: 'simulated',
  });
  const { main } = await import('../../kiosk/src/server.ts');
  running = await main();
  base = `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  sse?.close();
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run sim -- ctl …` as a user types it, in its own process. */
function ctl(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [SIM_BIN, 'ctl', ...args], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('kiosk: card → ticket → printed', () => {
  it('issues a priority ticket from the card on the simulated reader and prints it', async () => {
    sse = await SseClient.open(`${base}/api/stream`);
    const reader = running?.hardware.simulated.idcard;
    const printer = running?.hardware.simulated.printer;
    if (!reader || !printer) throw new Error('simulated devices missing');
    reader.place({ card: residentCard(ID, '1949-12-31') });
    const read = await sse.next((e) => e.event === 'card.read', 15_000);
    expect(read.data).toMatchObject({ maskedName: '张*明', expired: false });
    expect(JSON.stringify(read.data)).not.toContain(ID);
    const card = await (await fetch(`${base}/api/kiosk/card`)).json();
    expect(card).toMatchObject({ present: true, priority: true });

    const res = await fetch(`${base}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'social-security', identity: 'card' }),
    });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as {
      ticket: { id: string; number: string; priority: boolean };
      followUrl: string;
    };
    expect(issued.ticket).toMatchObject({ number: 'A001', priority: true });
    expect(issued.followUrl).toMatch(/^http:\/\/kiosk\.test\/follow\/[A-Za-z0-9_-]{24}$/);

    const printed = await printer.nextTicket(15_000);
    expect(printed.text).toContain('A001');
    expect(printed.text).toContain('社会保障');
    expect(printed.qr).toEqual([issued.followUrl]);
    expect(printed.cut).toBe('partial');
    const job = await sse.next(
      (e) => e.event === 'print.job' && (e.data as { state: string; ticketId?: string }).state === 'printed',
      15_000,
    );
    expect((job.data as { ticketId: string }).ticketId).toBe(issued.ticket.id);
  });

  it('the simulators it started in-process are driven with `linli-sim ctl` (issue #10, defect 19)', async () => {
    sse ??= await SseClient.open(`${base}/api/stream`);
    const state = JSON.parse(readFileSync(join(dir, 'sim-state', 'idcard.json'), 'utf8'));
    expect(state).toMatchObject({ pid: process.pid, path: running?.hardware.simulated.idcard?.path });
    const lifted = sse.events.length;
    expect((await ctl('idcard', 'remove')).code).toBe(0);
    await sse.next((e) => e.event === 'card.removed', 15_000, lifted);
    const from = sse.events.length;
    const placed = await ctl('idcard', 'place', 'li-92');
    expect(placed.out).not.toContain('no running idcard simulator');
    expect(placed.code).toBe(0);
    const read = await sse.next((e) => e.event === 'card.read', 15_000, from);
    expect((read.data as { maskedId: string }).maskedId).toMatch(/^110105\*{8}017/);
    expect((await ctl('printer', 'state')).code).toBe(0);
  });
});
