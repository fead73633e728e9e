// Issue #10 defect 16: when the roll runs out just after a ticket printed completely, the job is
// 'printed' (paper: 'complete'), not 'failed' — a staff retry would print it twice. The kiosk's
// print queue against the firmware-sim printer on a real pseudo-terminal, paper for one ticket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KioskBus } from '@linli/kiosk/events.ts';
import { silentLogger, startHardware } from '@linli/kiosk/hardware/index.ts';
import { EscPos } from '@linli/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { BusEvents } from './kiosk-hw-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'linli-hw-paper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ticket = (n: string): Buffer =>
  new EscPos()
    .init()
    .align('center')
    .size(2, 2)
    .line(`A${n}`)
    .qr(`https://linli.example/t/${n}`)
    .cut()
    .build();

describe('printer runs out of paper right after a complete ticket (firmware-sim on a pty)', () => {
  it('marks the job printed and complete, and holds the next one', async () => {
    const bus = new KioskBus();
    const events = new BusEvents(bus);
    const hw = await startHardware(
      { idcard: 'none', printer: 'simulated', scanner: 'none', dataDir: dir },
      bus,
      {
        log: silentLogger,
        simulators: { printer: { control: false, paperTickets: 1 } },
        queue: { heldPollMs: 100, idleStatusMs: 300 },
      },
    );
    try {
      await events.next('device.health', (h) => h.device === 'printer' && h.connected);
      const sim = hw.simulated.printer!;
      const first = hw.print({ ticketId: 'T-1', bytes: ticket('001') });
      const printed = await events.next(
        'print.job',
        (e) => e.jobId === first.jobId && e.state !== 'printing' && e.state !== 'queued',
        15_000,
      );
      expect(printed.state).toBe('printed');
      expect(printed.reason).toMatch(/printed completely, then the paper ran out/);
      expect(sim.printer.tickets.map((t) => t.text).join('')).toContain('A001');
      expect(hw.printJobs().find((job) => job.jobId === first.jobId)).toMatchObject({
        state: 'printed',
        paper: 'complete',
      });

      const second = hw.print({ ticketId: 'T-2', bytes: ticket('002') });
      const held = await events.next(
        'print.job',
        (e) => e.jobId === second.jobId && e.state === 'held',
        15_000,
      );
      expect(held.reason).toMatch(/out of paper/);
      expect(sim.printer.tickets).toHaveLength(1);
    } finally {
      events.stop();
      await hw.stop();
    }
  });
});
