// The ID-card reader driver over serialport's MockBinding, answered by a scripted SAM reader.
import { encodeCardText, encodeReadData, encodeReply } from '@linli/shared';
import { memoryLogger } from '@linli/shared/service';
import { afterEach, describe, expect, it } from 'vitest';
import { KioskBus } from '../../src/events.ts';
import { HealthRegistry } from '../../src/hardware/health.ts';
import { IdCardReader, type IdCardReaderOptions } from '../../src/hardware/idcard/reader.ts';
import { Reconnector } from '../../src/hardware/reconnect.ts';
import {
  createMockPath,
  Events,
  log,
  type MockLine,
  openMockLine,
  residentCard,
  ScriptedReader,
  until,
} from './helpers.ts';

// The scripted reader re-finds read cards unless a test sets sam.refind = false (and the option).
const fast: Partial<IdCardReaderOptions> = {
  timeouts: { find: 400, select: 400, read: 800 },
  refindsAfterRead: true,
};
const halting: Partial<IdCardReaderOptions> = { ...fast, refindsAfterRead: false };

interface Rig {
  bus: KioskBus;
  events: Events;
  health: HealthRegistry;
  reader: IdCardReader;
  sam: ScriptedReader;
  line: MockLine;
}
const rigs: Rig[] = [];

async function rig(opts: Partial<IdCardReaderOptions> = fast): Promise<Rig> {
  const bus = new KioskBus();
  const events = new Events(bus);
  const health = new HealthRegistry(bus);
  health.add('idcard', { connected: true, state: 'ok' });
  const sam = new ScriptedReader();
  const line = await openMockLine(createMockPath(), (bytes, l) => sam.feed(bytes, (b) => l.emitData(b)));
  const reader = new IdCardReader(bus, health, log, opts);
  reader.attach(line.transport);
  const r = { bus, events, health, reader, sam, line };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    r.reader.stop();
    r.events.stop();
    await r.line.transport.close();
  }
});

describe('ID-card reader driver (MockBinding)', () => {
  it('gives exactly one card.read per placement, with masked forms and no photo, then card.removed', async () => {
    const { events, sam } = await rig();
    sam.place(residentCard());
    const read = await events.next('card.read');
    expect(read.card.type).toBe('resident');
    expect(read.card.idNumber).toBe('11010519491231002X');
    expect(read.maskedId).toBe('110105********002X');
    expect(read.maskedName).toBe('张*明');
    expect(read.expired).toBe(false);
    expect(JSON.stringify(read)).not.toMatch(/photo/i);
    // Several more polls with the card still there: no second read.
    await until(() => sam.count('findCard') >= 4, 'more polls');
    expect(events.of('card.read')).toHaveLength(1);
    expect(sam.count('readText')).toBe(1);
    sam.remove();
    await events.next('card.removed');
    sam.place(residentCard());
    await events.next('card.read');
    expect(events.of('card.read')).toHaveLength(2);
  });

  it('on a halting reader (find answers 80 after the read) reads once and reads a re-placed card again', async () => {
    const { events, sam } = await rig(halting);
    sam.refind = false;
    sam.place(residentCard());
    await events.next('card.read');
    await until(() => sam.count('findCard') >= 4, 'more polls');
    expect(events.of('card.read')).toHaveLength(1);
    expect(events.of('card.removed')).toHaveLength(0); // the reader cannot tell halted from lifted
    sam.place(residentCard({ name: '李四' } as never));
    const second = await events.next('card.read');
    expect(second.maskedName).toBe('李*');
  });

  it('on a re-finding reader, a card swapped within one poll is read when select reports its serial', async () => {
    const { events, sam } = await rig(fast);
    sam.place(residentCard(), Buffer.from('0000000000000001', 'hex'));
    await events.next('card.read');
    await until(() => sam.count('findCard') >= 3, 'more polls');
    expect(events.of('card.read')).toHaveLength(1); // the same card lying there is not read again
    sam.place(residentCard({ name: '李四' } as never), Buffer.from('0000000000000002', 'hex'));
    const second = await events.next('card.read');
    expect(second.maskedName).toBe('李*');
    expect(events.of('card.removed')).toHaveLength(1);
    expect(events.of('card.placed')).toHaveLength(2);
  });

  it('on a re-finding reader without serials, a swap within one poll looks like the same card (documented)', async () => {
    const { events, sam } = await rig(fast);
    sam.place(residentCard());
    await events.next('card.read');
    sam.place(residentCard({ name: '李四' } as never));
    await until(() => sam.count('findCard') >= 5, 'more polls');
    expect(events.of('card.read')).toHaveLength(1);
  });

  it('polls no faster than every 300 ms', async () => {
    const bus = new KioskBus();
    const health = new HealthRegistry(bus);
    const sam = new ScriptedReader();
    const line = await openMockLine(createMockPath(), (bytes, l) => sam.feed(bytes, (b) => l.emitData(b)));
    const times: number[] = [];
    const write = line.transport.write.bind(line.transport);
    line.transport.write = (bytes, timeoutMs) => {
      if (bytes.includes(Buffer.from([0x20, 0x01]))) times.push(performance.now()); // find card, as sent
      return write(bytes, timeoutMs);
    };
    const reader = new IdCardReader(bus, health, log, { ...fast, pollIntervalMs: 100 }); // below the floor: 300
    reader.attach(line.transport);
    try {
      await until(() => times.length >= 4, '4 polls');
    } finally {
      reader.stop();
      await line.transport.close();
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(298);
  });

  it('read failure (SW3 41) gives card.error "请重新放置身份证" and waits for the card to be placed again', async () => {
    const { events, sam } = await rig(halting);
    sam.refind = false;
    sam.next('readText', { sw3: 0x41 });
    sam.place(residentCard());
    const err = await events.next('card.error');
    expect(err).toMatchObject({
      code: 'READ_FAILED',
      zh: '请重新放置身份证',
      en: 'please place the card again',
      sw3: 0x41,
    });
    await until(() => sam.count('findCard') >= 4, 'more polls');
    expect(events.of('card.read')).toHaveLength(0);
    expect(sam.count('readText')).toBe(1); // not hammering the card
    sam.place(residentCard());
    await events.next('card.read');
    expect(events.of('card.read')).toHaveLength(1);
  });

  it('a reply with a bad checksum is retried at once: still exactly one card.read', async () => {
    const { events, sam, reader } = await rig();
    sam.next('readText', { corrupt: true });
    sam.place(residentCard());
    await events.next('card.read');
    await until(() => sam.count('findCard') >= 4, 'more polls');
    expect(events.of('card.read')).toHaveLength(1);
    expect(events.of('card.error')).toHaveLength(0);
    expect(sam.count('readText')).toBe(2);
    expect(reader.stats.badFrames).toBe(1);
  });

  it('noise before replies is skipped', async () => {
    const { events, sam, reader } = await rig();
    const noise = Buffer.from([0x00, 0xff, 0xaa, 0xaa, 0x55, 0xaa, 0x96, 0x13]);
    sam.next('findCard', { noise });
    sam.next('selectCard', { noise });
    sam.next('readText', { noise });
    sam.place(residentCard());
    await events.next('card.read');
    expect(events.of('card.error')).toHaveLength(0);
    expect(reader.stats.badFrames).toBe(0);
  });

  it('a slow reply (past the time-out) is retried; the late reply is dropped, not mistaken for another', async () => {
    const { events, sam, reader } = await rig();
    sam.next('readText', { delayMs: 1000 }); // read time-out is 800 ms
    sam.place(residentCard());
    await events.next('card.read');
    await until(() => sam.count('findCard') >= 5, 'more polls');
    expect(events.of('card.read')).toHaveLength(1);
    expect(events.of('card.error')).toHaveLength(0);
    expect(reader.stats.timeouts).toBeGreaterThanOrEqual(1);
  });

  it('gives up on a card after maxAttempts corrupt replies with the same human reason', async () => {
    const { events, sam } = await rig();
    for (let i = 0; i < 3; i++) sam.next('readText', { corrupt: true });
    sam.place(residentCard());
    const err = await events.next('card.error');
    expect(err).toMatchObject({ code: 'READ_UNRELIABLE', zh: '请重新放置身份证' });
    expect(events.of('card.read')).toHaveLength(0);
  });

  it('reports a silent reader as not responding and recovers when it answers', async () => {
    const { events, sam } = await rig();
    sam.silent = true;
    const down = await events.next('device.health', (h) => h.state === 'error');
    expect(down.detail).toMatch(/not responding/);
    sam.silent = false;
    await events.next('device.health', (h) => h.state === 'ok');
    sam.place(residentCard());
    await events.next('card.read');
  });

  it('reports an expired card as expired', async () => {
    const { events, sam } = await rig();
    sam.place(residentCard({ validFrom: '2000-01-01', validTo: '2010-01-01' }));
    const read = await events.next('card.read');
    expect(read.expired).toBe(true);
  });

  it('a card text it cannot decode gives card.error CARD_UNKNOWN, not a crash', async () => {
    const { events, sam, line } = await rig();
    const text = encodeCardText(residentCard());
    text[248] = 0x5a; // card type 'Z'
    sam.place(residentCard());
    // Answer the read ourselves with the odd text.
    sam.next('readText', { silent: true });
    line.onWrite((bytes) => {
      if (bytes.includes(Buffer.from([0x30, 0x01]))) {
        line.emitData(encodeReply(0x90, encodeReadData(text, Buffer.alloc(1024))));
      }
    });
    const err = await events.next('card.error');
    expect(err).toMatchObject({ code: 'CARD_UNKNOWN', zh: expect.stringContaining('无法识别') });
    expect(events.of('card.read')).toHaveLength(0);
  });

  it('logs only masked forms, at every level', async () => {
    // the real service logger (pino, its serializers) at the lowest level, records kept
    const { log: logger, records } = memoryLogger('trace');
    const bus = new KioskBus();
    const events = new Events(bus);
    const health = new HealthRegistry(bus);
    health.add('idcard', { connected: true, state: 'ok' });
    const sam = new ScriptedReader();
    const line = await openMockLine(createMockPath(), (bytes, l) => sam.feed(bytes, (b) => l.emitData(b)));
    const reader = new IdCardReader(bus, health, logger, fast);
    reader.attach(line.transport);
    try {
      sam.next('readText', { corrupt: true });
      sam.place(residentCard());
      await events.next('card.read');
      sam.remove();
      await events.next('card.removed');
      sam.next('readText', { sw3: 0x41 });
      sam.place(residentCard());
      await events.next('card.error');
    } finally {
      reader.stop();
      events.stop();
      await line.transport.close();
    }
    const all = records.map((r) => JSON.stringify(r)).join('\n');
    expect(all).toContain('110105********002X');
    expect(all).not.toContain('11010519491231002X');
    expect(all).not.toContain('张三明');
    expect(all).not.toContain('某街道');
  });

  it('survives unplug and replug: disconnected, connected, reads again', async () => {
    const bus = new KioskBus();
    const events = new Events(bus);
    const health = new HealthRegistry(bus);
    health.add('idcard', { connected: false, state: 'disconnected' });
    const sam = new ScriptedReader();
    const path = createMockPath();
    const reader = new IdCardReader(bus, health, log, fast);
    const lines: MockLine[] = [];
    const rec = new Reconnector({
      device: 'idcard',
      open: async () => {
        const l = await openMockLine(path, (bytes, ln) => sam.feed(bytes, (b) => ln.emitData(b)));
        lines.push(l);
        return l.transport;
      },
      attach: (t) => reader.attach(t),
      detach: () => reader.detach(),
      health,
      log,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    try {
      await rec.start();
      await events.next('device.health', (h) => h.connected);
      sam.place(residentCard());
      await events.next('card.read');
      // Unplug: the port closes under the driver (MockBinding has no hot-unplug; the pty tests do it for real).
      lines[0]!.port.close();
      const down = await events.next('device.health', (h) => !h.connected);
      expect(down.state).toBe('disconnected');
      await events.next('card.removed');
      await events.next('device.health', (h) => h.connected);
      expect(rec.connects).toBe(2);
      // Still the same card on the reader: it is a new placement for the driver after a reconnect.
      await events.next('card.read');
    } finally {
      await rec.stop();
      reader.stop();
      events.stop();
    }
  });
});
