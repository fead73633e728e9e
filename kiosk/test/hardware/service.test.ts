// startHardware with every device opened through MockBinding lines (the openers option), the
// routes with a minimal fake, and the printer-file opener on a plain file.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EscPos } from '@linli/shared';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/api/errors.ts';
import { KioskBus } from '../../src/events.ts';
import {
  hardwareRoutes,
  type RunningHardware,
  silentLogger,
  startHardware,
} from '../../src/hardware/index.ts';
import { openPrinterFile } from '../../src/hardware/transport/open-printer-file.ts';
import type { Hardware } from '../../src/hardware/types.ts';
import {
  createMockPath,
  Events,
  type MockLine,
  openMockLine,
  residentCard,
  ScriptedPrinter,
  ScriptedReader,
} from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'linli-hw-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('startHardware with MockBinding lines', () => {
  it('runs reader, printer and scanner together; health lists each; stop closes everything', async () => {
    const sam = new ScriptedReader();
    const printer = new ScriptedPrinter();
    const lines: MockLine[] = [];
    const paths = { idcard: createMockPath(), printer: createMockPath(), scanner: createMockPath() };
    const bus = new KioskBus();
    const events = new Events(bus);
    const hw: RunningHardware = await startHardware(
      { idcard: '/dev/ttyUSB0', printer: '/dev/usb/lp0', scanner: '/dev/ttyACM0', dataDir: tempDir() },
      bus,
      {
        log: silentLogger,
        openers: {
          idcard: async () => {
            const l = await openMockLine(paths.idcard, (b, ln) => sam.feed(b, (a) => ln.emitData(a)));
            lines.push(l);
            return l.transport;
          },
          printer: async () => {
            const l = await openMockLine(paths.printer, (b, ln) => printer.feed(b, (a) => ln.emitData(a)));
            lines.push(l);
            return l.transport;
          },
          scanner: async () => {
            const l = await openMockLine(paths.scanner, () => {});
            lines.push(l);
            return l.transport;
          },
        },
        reader: { timeouts: { find: 400, select: 400, read: 800 }, refindsAfterRead: true },
        queue: { heldPollMs: 50, idleStatusMs: 100 },
      },
    );
    cleanups.push(() => events.stop());
    try {
      expect(hw.health().map((h) => [h.device, h.connected])).toEqual([
        ['idcard', true],
        ['printer', true],
        ['scanner', true],
      ]);
      sam.place(residentCard());
      expect((await events.next('card.read')).maskedId).toBe('110105********002X');
      const bytes = new EscPos().init().line('A001').cut().build();
      const job = hw.print({ ticketId: 'T1', bytes });
      await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed');
      expect(printer.occurrences(bytes)).toBe(1);
      lines[2]!.emitData(Buffer.from('CODE-1\r\n'));
      expect((await events.next('scan')).code).toBe('CODE-1');
      expect(hw.stats()).toMatchObject({
        idcard: { reads: 1, connects: 1 },
        printer: { printed: 1 },
        scanner: { scans: 1 },
      });
    } finally {
      await hw.stop();
    }
    expect(lines.every((l) => !l.port.isOpen)).toBe(true);
    // No event may carry the full ID number except card.read's in-process record.
    const leaked = events.all.filter(
      (e) => e.type !== 'card.read' && JSON.stringify(e.payload).includes('11010519491231002X'),
    );
    expect(leaked).toEqual([]);
  });

  it("printer 'none': jobs are kept, held with the reason, and no printer health is shown", async () => {
    const bus = new KioskBus();
    const events = new Events(bus);
    const hw = await startHardware(
      { idcard: 'none', printer: 'none', scanner: 'none', dataDir: tempDir() },
      bus,
      {
        log: silentLogger,
      },
    );
    cleanups.push(async () => {
      await hw.stop();
      events.stop();
    });
    hw.print({ bytes: Buffer.from('x') });
    expect((await events.next('print.job', (e) => e.state === 'held')).reason).toMatch(
      /no printer configured/,
    );
    expect(hw.health()).toEqual([]);
    expect(hw.printJobs()).toHaveLength(1);
  });

  it('devices left unset are not configured: nothing simulated, health and the log say so', async () => {
    const bus = new KioskBus();
    const events = new Events(bus);
    const errors: string[] = [];
    const hw = await startHardware({ idcard: '', printer: '', scanner: '', dataDir: tempDir() }, bus, {
      log: { ...silentLogger, error: (_obj: unknown, msg?: string) => errors.push(msg ?? '') },
    });
    cleanups.push(async () => {
      await hw.stop();
      events.stop();
    });
    expect(hw.simulated).toEqual({});
    expect(hw.health()).toEqual(
      (['idcard', 'printer', 'scanner'] as const).map((device) =>
        expect.objectContaining({
          device,
          connected: false,
          state: 'error',
          detail: expect.stringContaining('not configured'),
        }),
      ),
    );
    expect(errors).toEqual([
      expect.stringContaining('LINLI_KIOSK_IDCARD is not set'),
      expect.stringContaining('LINLI_KIOSK_PRINTER is not set'),
      expect.stringContaining('LINLI_KIOSK_SCANNER is not set'),
    ]);
    // A ticket printed meanwhile is kept, held with the reason.
    hw.print({ bytes: Buffer.from('x') });
    expect((await events.next('print.job', (e) => e.state === 'held')).reason).toMatch(
      /no printer configured/,
    );
  });

  it('refuses a bad spec before opening anything', async () => {
    await expect(
      startHardware(
        { idcard: 'nonsense', printer: 'none', scanner: 'none', dataDir: tempDir() },
        new KioskBus(),
        {
          log: silentLogger,
        },
      ),
    ).rejects.toThrow(/LINLI_KIOSK_IDCARD/);
  });
});

describe('hardware routes with a minimal fake', () => {
  it('answer 501 on retry when the hardware cannot retry', async () => {
    const fake: Hardware = {
      print: () => {
        throw new Error('unused');
      },
      printJobs: () => [],
      health: () => [{ device: 'printer', connected: true, state: 'ok', since: 1 }],
      stop: async () => {},
    };
    const app = Fastify();
    installErrorHandler(app, new Map());
    await app.register(hardwareRoutes, { hardware: fake });
    cleanups.push(() => app.close());
    expect((await app.inject('/api/hardware/health')).json()).toEqual({
      devices: [{ device: 'printer', connected: true, state: 'ok', since: 1 }],
    });
    expect((await app.inject('/api/hardware/print-jobs')).json()).toEqual({ jobs: [] });
    const r = await app.inject({ method: 'POST', url: '/api/hardware/print-jobs/x/retry' });
    expect(r.statusCode).toBe(501);
    expect(r.json().error).toMatchObject({ code: 'HW_UNSUPPORTED', zh: '此设备不支持该操作' });
  });
});

describe('printer device file opener', () => {
  it('writes job bytes to the file', async () => {
    const file = join(tempDir(), 'lp0');
    writeFileSync(file, '');
    const t = await openPrinterFile(file);
    await t.write(Buffer.from('\x1b@A001\n'));
    await t.close();
    expect(readFileSync(file, 'latin1')).toBe('\x1b@A001\n');
    expect(t.closed).toBe(true);
  });
});
