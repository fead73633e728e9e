// The kiosk's printer queue and scanner driver against the firmware-sim printer and serial
// scanner on real pseudo-terminals, plus the HTTP routes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PrinterHandle, startPrinter } from '@linli/firmware-sim';
import { installErrorHandler } from '@linli/kiosk/api/errors.ts';
import { KioskBus } from '@linli/kiosk/events.ts';
import {
  hardwareRoutes,
  type RunningHardware,
  silentLogger,
  startHardware,
} from '@linli/kiosk/hardware/index.ts';
import { EscPos } from '@linli/shared';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BusEvents, until } from './kiosk-hw-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'linli-hw-printer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ticket = (n: string): Buffer =>
  new EscPos()
    .init()
    .align('center')
    .size(2, 2)
    .line(`A${n}`)
    .size(1, 1)
    .line('请在大厅等候叫号')
    .qr(`https://linli.example/t/${n}`)
    .cut()
    .build();

async function start(
  dataDir = mkdtempSync(join(dir, 'd-')),
): Promise<{ hw: RunningHardware; events: BusEvents; dataDir: string }> {
  const bus = new KioskBus();
  const events = new BusEvents(bus);
  const hw = await startHardware(
    { idcard: 'none', printer: 'simulated', scanner: 'simulated', dataDir },
    bus,
    {
      log: silentLogger,
      simulators: { printer: { control: false }, scanner: { control: false } },
      queue: { heldPollMs: 100, idleStatusMs: 300 },
    },
  );
  cleanups.push(async () => {
    events.stop();
    await hw.stop();
  });
  await events.next('device.health', (h) => h.device === 'printer' && h.connected);
  await events.next('device.health', (h) => h.device === 'scanner' && h.connected);
  return { hw, events, dataDir };
}

describe('kiosk printer and scanner over pseudo-terminals (firmware-sim)', () => {
  it('prints a ticket once', async () => {
    const { hw, events } = await start();
    const sim = hw.simulated.printer!;
    const job = hw.print({ ticketId: 'T-1', bytes: ticket('001') });
    await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed');
    expect(sim.tickets).toHaveLength(1);
    expect(sim.tickets[0]!.text).toContain('A001');
    expect(sim.tickets[0]!.qr).toEqual(['https://linli.example/t/001']);
  });

  it('a ticket printed while out of paper comes out exactly once when paper returns', async () => {
    const { hw, events } = await start();
    const sim = hw.simulated.printer!;
    sim.setStatus({ paperOut: true });
    const health = await events.next('device.health', (h) => h.device === 'printer' && h.paper === 'out');
    expect(health.detail).toMatch(/out of paper/);
    const job = hw.print({ ticketId: 'T-2', bytes: ticket('002') });
    const held = await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'held');
    expect(held.reason).toMatch(/out of paper/);
    expect(hw.printJobs()[0]).toMatchObject({ jobId: job.jobId, state: 'held' });
    const polled = sim.printer.counters.statusQueries;
    await until(() => sim.printer.counters.statusQueries >= polled + 9, 'three held status polls');
    expect(sim.tickets).toHaveLength(0);
    sim.setStatus({ paperOut: false });
    await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed');
    await events.next('device.health', (h) => h.device === 'printer' && h.state === 'ok');
    const after = sim.printer.counters.statusQueries;
    await until(() => sim.printer.counters.statusQueries >= after + 9, 'three idle status polls');
    expect(sim.tickets).toHaveLength(1);
    expect(sim.tickets[0]!.text).toContain('A002');
  });

  it('paper near end warns staff and prints', async () => {
    const { hw, events } = await start();
    const sim = hw.simulated.printer!;
    sim.setStatus({ paperNearEnd: true });
    const warn = await events.next('device.health', (h) => h.device === 'printer' && h.state === 'warning');
    expect(warn.paper).toBe('near-end');
    const job = hw.print({ bytes: ticket('003') });
    await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed');
    expect(sim.tickets).toHaveLength(1);
  });

  it('a held job survives a restart of the service and prints once', async () => {
    const first = await start();
    first.hw.simulated.printer!.setStatus({ coverOpen: true });
    const job = first.hw.print({ ticketId: 'T-4', bytes: ticket('004') });
    expect((await first.events.next('print.job', (e) => e.state === 'held')).reason).toMatch(/cover open/);
    await cleanups.pop()!();
    const second = await start(first.dataDir);
    await second.events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed');
    expect(second.hw.simulated.printer!.tickets).toHaveLength(1);
  });

  it('a job queued while the printer is unplugged is held and prints once after replug', async () => {
    const link = join(dir, 'printer-link');
    let sim: PrinterHandle = await startPrinter({ link, control: false });
    const bus = new KioskBus();
    const events = new BusEvents(bus);
    const hw = await startHardware(
      { idcard: 'none', printer: link, scanner: 'none', dataDir: mkdtempSync(join(dir, 'd-')) },
      bus,
      {
        log: silentLogger,
        backoff: { initialMs: 50, maxMs: 400 },
        queue: { heldPollMs: 100, idleStatusMs: 300 },
      },
    );
    cleanups.push(async () => {
      events.stop();
      await hw.stop();
      await sim.stop();
    });
    await events.next('device.health', (h) => h.device === 'printer' && h.connected);
    await sim.stop(); // unplugged
    await events.next('device.health', (h) => h.device === 'printer' && !h.connected);
    const job = hw.print({ ticketId: 'T-7', bytes: ticket('007') });
    expect(
      (await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'held')).reason,
    ).toMatch(/disconnected/);
    sim = await startPrinter({ link, control: false }); // plugged back
    await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed');
    expect(sim.tickets).toHaveLength(1);
    expect(sim.tickets[0]!.text).toContain('A007');
  });

  it('a scan arrives as one event', async () => {
    const { hw, events } = await start();
    hw.simulated.scanner!.scan('LINLI-APPT-20261122-0042');
    hw.simulated.scanner!.scan('https://linli.example/r/中文');
    expect((await events.next('scan')).code).toBe('LINLI-APPT-20261122-0042');
    expect(await events.next('scan')).toMatchObject({
      source: 'serial',
      code: 'https://linli.example/r/中文',
    });
    expect(events.of('scan')).toHaveLength(2);
  });

  it('serves health, print jobs and retry over HTTP', async () => {
    const { hw, events } = await start();
    const app = Fastify();
    installErrorHandler(app, new Map());
    await app.register(hardwareRoutes, { hardware: hw });
    cleanups.push(() => app.close());
    const health = await app.inject({ method: 'GET', url: '/api/hardware/health' });
    expect(health.statusCode).toBe(200);
    const devices = health.json().devices as { device: string; connected: boolean }[];
    expect(devices.map((d) => d.device).sort()).toEqual(['printer', 'scanner']);
    expect(devices.every((d) => d.connected)).toBe(true);
    expect(health.json().stats.scanner).toMatchObject({ connects: 1, refused: 0 });

    const job = hw.print({ ticketId: 'T-6', bytes: ticket('006') });
    await events.next('print.job', (e) => e.state === 'printed');
    const jobs = await app.inject({ method: 'GET', url: '/api/hardware/print-jobs' });
    expect(jobs.json().jobs[0]).toMatchObject({ jobId: job.jobId, ticketId: 'T-6', state: 'printed' });
    expect(JSON.stringify(jobs.json())).not.toContain('bytes');

    const missing = await app.inject({ method: 'POST', url: '/api/hardware/print-jobs/nope/retry' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'PRINT_JOB_NOT_FOUND', zh: '没有这个打印任务' });
    const printed = await app.inject({ method: 'POST', url: `/api/hardware/print-jobs/${job.jobId}/retry` });
    expect(printed.statusCode).toBe(409);
    expect(printed.json().error).toMatchObject({ code: 'PRINT_JOB_STATE', message: expect.any(String) });
  });
});
