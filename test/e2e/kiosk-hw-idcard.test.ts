// The kiosk's ID-card reader driver against the firmware-sim reader on real pseudo-terminals:
// one card.read per placement with the right record, every injected fault gives the right
// event and the driver recovers, unplug/replug reconnects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IdCardReaderHandle, startIdCardReader } from '@linli/firmware-sim';
import { KioskBus, type KioskEvents } from '@linli/kiosk/events.ts';
import { type RunningHardware, silentLogger, startHardware } from '@linli/kiosk/hardware/index.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BusEvents } from './kiosk-hw-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'linli-hw-idcard-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function simulatedReader(refindAfterRead: boolean) {
  const bus = new KioskBus();
  const events = new BusEvents(bus);
  const hw = await startHardware(
    { idcard: 'simulated', printer: 'none', scanner: 'none', dataDir: mkdtempSync(join(dir, 'd-')) },
    bus,
    { log: silentLogger, simulators: { idcard: { control: false, refindAfterRead } } },
  );
  cleanups.push(async () => {
    events.stop();
    await hw.stop();
  });
  const sim = hw.simulated.idcard!;
  await events.next('device.health', (h) => h.device === 'idcard' && h.connected);
  return { bus, events, hw, sim };
}

const recordOf = (sim: IdCardReaderHandle, key: string) => sim.residents.get(key)!.card;

describe('kiosk ID-card reader over a pseudo-terminal (firmware-sim)', () => {
  it('a placed card gives exactly one card.read with the right record, and card.removed when lifted', async () => {
    const { events, sim } = await simulatedReader(true);
    sim.place('wang-86');
    const read = await events.next('card.read');
    expect(read.card).toEqual(recordOf(sim, 'wang-86'));
    expect(read.maskedId).not.toContain(read.card.idNumber.slice(6, 14));
    expect(read.expired).toBe(false);
    await events.waitPolls(sim, 4);
    expect(events.of('card.read')).toHaveLength(1);
    sim.remove();
    await events.next('card.removed');
  });

  it('on a halting reader (the default real behaviour) still one card.read, and a new placement reads again', async () => {
    const { events, sim } = await simulatedReader(false);
    sim.place('li-92');
    await events.next('card.read');
    await events.waitPolls(sim, 4);
    expect(events.of('card.read')).toHaveLength(1);
    sim.remove();
    sim.place('hk-permit');
    const permit = await events.next('card.read');
    expect(permit.card).toEqual(recordOf(sim, 'hk-permit'));
  });

  it('reports an expired card as expired, and reads foreign permanent resident cards', async () => {
    const { events, sim } = await simulatedReader(true);
    sim.place('chen-expired');
    expect((await events.next('card.read')).expired).toBe(true);
    sim.remove();
    await events.next('card.removed');
    sim.place('foreign-2017');
    const f = await events.next('card.read');
    expect(f.card.type).toBe('foreign-permanent');
    expect(f.card).toEqual(recordOf(sim, 'foreign-2017'));
  });

  it('read failure (SW3 41): card.error asking to place the card again; re-placing reads it', async () => {
    const { events, sim } = await simulatedReader(true);
    sim.setFault({ name: 'read-failure', count: 1 });
    sim.place('zhang-71');
    const err = await events.next('card.error');
    expect(err).toMatchObject({
      code: 'READ_FAILED',
      zh: '请重新放置身份证',
      en: 'please place the card again',
      sw3: 0x41,
    });
    expect(events.of('card.read')).toHaveLength(0);
    sim.remove();
    sim.place('zhang-71');
    expect((await events.next('card.read')).card).toEqual(recordOf(sim, 'zhang-71'));
  });

  for (const fault of ['bad-checksum', 'noise', 'partial-frame'] as const) {
    it(`fault '${fault}' on a few replies: the driver recovers and gives exactly one card.read`, async () => {
      const { events, sim, hw } = await simulatedReader(true);
      sim.setFault({ name: fault, count: 3 });
      sim.place('bater-68');
      const read = await events.next('card.read');
      expect(read.card).toEqual(recordOf(sim, 'bater-68'));
      await events.waitPolls(sim, 3);
      expect(events.of('card.read')).toHaveLength(1);
      expect(events.of('card.error')).toHaveLength(0);
      const stats = hw.stats().idcard!;
      if (fault === 'bad-checksum') expect(stats.badFrames).toBeGreaterThanOrEqual(1);
      if (fault === 'partial-frame') expect(stats.timeouts).toBeGreaterThanOrEqual(1);
    });
  }

  it("fault 'slow' within the time-out still reads; beyond it, the driver retries and reads once", async () => {
    const { events, sim } = await simulatedReader(true);
    sim.setFault({ name: 'slow', delayMs: 400, count: 3 });
    sim.place('ouyang-45');
    await events.next('card.read');
    sim.remove();
    await events.next('card.removed');
    sim.setFault({ name: 'slow', delayMs: 1500, count: 1 });
    sim.place('ouyang-45');
    await events.next('card.read');
    await events.waitPolls(sim, 3);
    expect(events.of('card.read')).toHaveLength(2);
    expect(events.of('card.error')).toHaveLength(0);
  });

  it("fault 'silent': health says not responding, and recovers when the reader answers again", async () => {
    const { events, sim } = await simulatedReader(true);
    sim.setFault('silent');
    const down = await events.next('device.health', (h) => h.device === 'idcard' && h.state === 'error');
    expect(down.detail).toMatch(/not responding/);
    sim.setFault('none');
    await events.next('device.health', (h) => h.device === 'idcard' && h.state === 'ok');
    sim.place('zhao-young');
    await events.next('card.read');
  });

  it('unplug and replug: device.health disconnected, then connected, then reads again', async () => {
    const link = join(dir, 'idcard-link');
    let sim: IdCardReaderHandle = await startIdCardReader({ link, control: false });
    const bus = new KioskBus();
    const events = new BusEvents(bus);
    const hw: RunningHardware = await startHardware(
      { idcard: link, printer: 'none', scanner: 'none', dataDir: mkdtempSync(join(dir, 'd-')) },
      bus,
      { log: silentLogger, backoff: { initialMs: 50, maxMs: 400 } },
    );
    cleanups.push(async () => {
      events.stop();
      await hw.stop();
      await sim.stop();
    });
    await events.next('device.health', (h) => h.device === 'idcard' && h.connected);
    sim.place('wang-86');
    await events.next('card.read');
    await sim.stop(); // unplugged: socat and its pty are gone
    const down = await events.next('device.health', (h) => h.device === 'idcard' && !h.connected);
    expect(down.state).toBe('disconnected');
    await events.next('card.removed');
    sim = await startIdCardReader({ link, control: false }); // plugged back
    await events.next('device.health', (h) => h.device === 'idcard' && h.connected);
    sim.place('li-92');
    const again = await events.next('card.read');
    expect(again.card).toEqual(sim.residents.get('li-92')!.card);
    expect(hw.stats().idcard!.connects).toBe(2);
  });
});

export type { KioskEvents };
