// The printer simulator on a real pseudo-terminal: ESC/POS in, tickets and DLE EOT status out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeStatusByte, EscPos, type PrinterStatus, statusQuery } from '@linli/shared';
import type { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PrinterHandle, startPrinter } from '../src/index.ts';
import { closeClient, collect, openClient } from './helpers/serial-client.ts';

const ticketBytes = (no: string): Buffer =>
  new EscPos()
    .init()
    .align('center')
    .size(2, 2)
    .line(`${no}号`)
    .size(1, 1)
    .line('邻里社区服务站 社保业务')
    .qr(`https://linli.example/t/${no}`)
    .feed(2)
    .cut('partial')
    .build();

async function query(port: SerialPort, n: 1 | 2 | 4): Promise<Partial<PrinterStatus>> {
  const reply = collect(port, (b) => b.length >= 1);
  port.write(statusQuery(n));
  return decodeStatusByte(n, (await reply)[0]!);
}

describe('printer on a pseudo-terminal', () => {
  let sim: PrinterHandle;
  let port: SerialPort;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-printer-'));
    sim = await startPrinter({ outDir: dir });
    port = await openClient(sim.path);
  });
  afterEach(async () => {
    await closeClient(port);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes a ticket: Chinese text, QR contents, cut; writes it to the output folder', async () => {
    const next = sim.nextTicket();
    port.write(ticketBytes('A012'));
    const t = await next;
    expect(t.text).toContain('A012号');
    expect(t.text).toContain('邻里社区服务站 社保业务');
    expect(t.qr).toEqual(['https://linli.example/t/A012']);
    expect(t.cut).toBe('partial');
    expect(readFileSync(t.files!.text, 'utf8')).toBe(t.text);
    expect(readFileSync(t.files!.bin).equals(t.bytes)).toBe(true);
    expect(sim.tickets).toHaveLength(1);
  });

  it('splits two tickets sent in one write and one ticket sent byte by byte', async () => {
    const got: string[] = [];
    sim.on('ticket', (t) => got.push(t.qr[0] ?? ''));
    port.write(Buffer.concat([ticketBytes('A001'), ticketBytes('A002')]));
    const bytes = ticketBytes('A003');
    const third = new Promise<void>((resolve) =>
      sim.on('ticket', (t) => t.qr[0]?.endsWith('A003') && resolve()),
    );
    for (let i = 0; i < bytes.length; i += 7) port.write(bytes.subarray(i, i + 7));
    await third;
    expect(got.map((q) => q.slice(-4))).toEqual(['A001', 'A002', 'A003']);
  });

  it('answers DLE EOT from a state changed while it runs', async () => {
    expect(await query(port, 1)).toMatchObject({ offline: false });
    expect(await query(port, 4)).toMatchObject({ paperNearEnd: false, paperOut: false });
    sim.setStatus({ paperNearEnd: true });
    expect(await query(port, 4)).toMatchObject({ paperNearEnd: true, paperOut: false });
    sim.setStatus({ coverOpen: true });
    expect(await query(port, 2)).toMatchObject({ coverOpen: true });
    sim.setStatus({ coverOpen: false, offline: true });
    expect(await query(port, 1)).toMatchObject({ offline: true });
    expect(sim.printer.counters.statusQueries).toBe(5);
  });

  it('paper out: does not print, still answers status; prints again once paper is back', async () => {
    sim.setStatus({ paperOut: true });
    const rejected = new Promise((resolve) => sim.printer.once('rejected', resolve));
    port.write(ticketBytes('B001'));
    expect(await rejected).toMatchObject({ reason: 'paper out' });
    expect(await query(port, 4)).toMatchObject({ paperOut: true });
    expect(sim.tickets).toHaveLength(0);
    sim.setStatus({ paperOut: false });
    const next = sim.nextTicket();
    port.write(ticketBytes('B002'));
    expect((await next).qr[0]).toMatch(/B002$/);
  });

  it('cover open and offline refuse print data', async () => {
    for (const [status, reason] of [
      [{ coverOpen: true }, 'cover open'],
      [{ coverOpen: false, offline: true }, 'offline'],
    ] as const) {
      sim.setStatus(status);
      const rejected = new Promise((resolve) => sim.printer.once('rejected', resolve));
      port.write(ticketBytes('C001'));
      expect(await rejected).toMatchObject({ reason });
    }
    expect(sim.tickets).toHaveLength(0);
  });

  it('runs out of paper after its roll (near end first)', async () => {
    await sim.stop();
    sim = await startPrinter({ paperTickets: 3 });
    await closeClient(port);
    port = await openClient(sim.path);
    for (const no of ['D001', 'D002', 'D003']) {
      const next = sim.nextTicket();
      port.write(ticketBytes(no));
      await next;
      if (no === 'D001') expect(sim.printer.status.paperNearEnd).toBe(false);
      if (no === 'D002') expect(sim.printer.status).toMatchObject({ paperNearEnd: true, paperOut: false });
    }
    expect(await query(port, 4)).toMatchObject({ paperOut: true });
  });

  it('is driven through its control endpoint', async () => {
    const url = sim.controlUrl!;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    expect(await post('/paper', { state: 'out' })).toMatchObject({ paperOut: true });
    expect(await query(port, 4)).toMatchObject({ paperOut: true });
    expect(await post('/paper', { state: 'ok' })).toMatchObject({ paperOut: false, paperNearEnd: false });
    expect(await post('/cover', { state: 'open' })).toMatchObject({ coverOpen: true });
    expect(await post('/cover', { state: 'closed' })).toMatchObject({ coverOpen: false });
    expect(await post('/online', { online: false })).toMatchObject({ offline: true });
    expect(await post('/status', { offline: false })).toMatchObject({ offline: false });
    const bad = await fetch(`${url}/paper`, { method: 'POST', body: JSON.stringify({ state: 'soggy' }) });
    expect(bad.status).toBe(400);
    const next = sim.nextTicket();
    port.write(ticketBytes('E001'));
    await next;
    const latest = (await (await fetch(`${url}/tickets/latest`)).json()) as { qr: string[]; text: string };
    expect(latest.qr[0]).toMatch(/E001$/);
    expect(latest.text).toContain('E001号');
  });
});
