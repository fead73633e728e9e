// Opt-in run against real hardware (CONVENTIONS 3): skipped unless a port is given.
//   TEST_PORT=/dev/ttyUSB0 npx vitest run --project e2e test/e2e/kiosk-hw-real.test.ts
//     a SAM ID-card reader at 115200: SAM status answers 90, find card answers 9F or 80;
//     with TEST_CARD=1 it waits (60 s) for a card to be placed and reads it (masked output only).
//   TEST_PRINTER=/dev/usb/lp0 (or a serial path[@baud]): asks DLE EOT 1/2/4 and prints a test
//     ticket when TEST_PRINT=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KioskBus } from '@linli/kiosk/events.ts';
import { SamChannel } from '@linli/kiosk/hardware/idcard/sam-channel.ts';
import { silentLogger, startHardware } from '@linli/kiosk/hardware/index.ts';
import { openSerial } from '@linli/kiosk/hardware/transport/open-serial.ts';
import { EscPos } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { BusEvents } from './kiosk-hw-helpers.ts';

const port = process.env.TEST_PORT;
const printer = process.env.TEST_PRINTER;

// Skipped on machines without the hardware: the pty tests cover the same code paths.
describe.skipIf(!port)('real ID-card reader on TEST_PORT', () => {
  it('answers SAM status and find card', async () => {
    const line = await openSerial(port!, 115200);
    try {
      const ch = new SamChannel(line, silentLogger);
      expect((await ch.request('samStatus', 1000)).sw3).toBe(0x90);
      expect([0x9f, 0x80]).toContain((await ch.request('findCard', 1000)).sw3);
    } finally {
      await line.close();
    }
  });

  it.runIf(process.env.TEST_CARD === '1')(
    'reads a placed card (place one within 60 s)',
    { timeout: 70_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'linli-real-'));
      const bus = new KioskBus();
      const events = new BusEvents(bus);
      const hw = await startHardware({ idcard: port!, printer: 'none', scanner: 'none', dataDir: dir }, bus, {
        log: silentLogger,
      });
      try {
        const read = await events.next('card.read', () => true, 60_000);
        console.log(`read ${read.card.type} ${read.maskedName} ${read.maskedId} expired=${read.expired}`);
        expect(read.maskedId).toMatch(/\*/);
      } finally {
        await hw.stop();
        events.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe.skipIf(!printer)('real printer on TEST_PRINTER', () => {
  it('reports its status and prints a test ticket', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-real-'));
    const bus = new KioskBus();
    const events = new BusEvents(bus);
    const hw = await startHardware(
      { idcard: 'none', printer: printer!, scanner: 'none', dataDir: dir },
      bus,
      {
        log: silentLogger,
      },
    );
    try {
      const h = await events.next(
        'device.health',
        (x) => x.device === 'printer' && x.paper !== undefined,
        10_000,
      );
      console.log(`printer: ${h.state} paper=${h.paper} ${h.detail ?? ''}`);
      if (process.env.TEST_PRINT === '1') {
        const job = hw.print({
          bytes: new EscPos().init().align('center').line('邻里 Linli test').feed(3).cut().build(),
        });
        await events.next('print.job', (e) => e.jobId === job.jobId && e.state === 'printed', 20_000);
      }
    } finally {
      await hw.stop();
      events.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
