// The ID-card reader driver over HID reports (USB-HID readers): the same SAM frames chunked into
// 64-byte reports (report id 0x01, length byte, chunk), through a fake HID device.
import { describe, expect, it } from 'vitest';
import { KioskBus } from '../../src/events.ts';
import { HealthRegistry } from '../../src/hardware/health.ts';
import { IdCardReader } from '../../src/hardware/idcard/reader.ts';
import {
  decodeHidReport,
  encodeHidReports,
  HID_CHUNK_MAX,
  HID_REPORT_ID,
  HID_REPORT_SIZE,
  hidTransport,
} from '../../src/hardware/transport/hid-transport.ts';
import { Events, FakeHidDevice, log, residentCard, ScriptedReader } from './helpers.ts';

describe('HID report framing', () => {
  it('chunks a byte stream into 64-byte reports and back', () => {
    const bytes = Buffer.from(Array.from({ length: 1295 }, (_, i) => i & 0xff));
    const reports = encodeHidReports(bytes);
    expect(reports).toHaveLength(Math.ceil(1295 / HID_CHUNK_MAX));
    for (const r of reports) {
      expect(r.length).toBe(HID_REPORT_SIZE);
      expect(r[0]).toBe(HID_REPORT_ID);
    }
    expect(Buffer.concat(reports.map((r) => decodeHidReport(r)!))).toEqual(bytes);
  });

  it('refuses reports with another id or an impossible length', () => {
    expect(decodeHidReport(Buffer.from([0x02, 1, 0xaa]))).toBeUndefined();
    expect(decodeHidReport(Buffer.from([0x01, 0, 0xaa]))).toBeUndefined();
    expect(decodeHidReport(Buffer.from([0x01, 63, ...Buffer.alloc(62)]))).toBeUndefined();
    expect(decodeHidReport(Buffer.from([0x01, 5, 1, 2]))).toBeUndefined();
  });
});

describe('ID-card reader over HID', () => {
  it('reads a placed card once, with the read reply spread over many reports; counts bad reports', async () => {
    const bus = new KioskBus();
    const events = new Events(bus);
    const health = new HealthRegistry(bus);
    health.add('idcard', { connected: true, state: 'ok' });
    const dev = new FakeHidDevice();
    const sam = new ScriptedReader();
    dev.onWrite = (report) => {
      const chunk = decodeHidReport(report);
      if (chunk)
        sam.feed(chunk, (answer) => {
          dev.input(Buffer.from([0x07, 0, 0])); // a stray report of another kind
          for (const r of encodeHidReports(answer)) dev.input(r);
        });
    };
    const t = hidTransport(dev, 'fake hid reader');
    const reader = new IdCardReader(bus, health, log, {
      timeouts: { find: 400, select: 400, read: 800 },
      refindsAfterRead: true,
    });
    reader.attach(t);
    t.onClose(() => reader.detach()); // what the Reconnector does
    try {
      sam.place(residentCard());
      const read = await events.next('card.read');
      expect(read.card.idNumber).toBe('11010519491231002X');
      expect(read.maskedName).toBe('张*明');
      expect(t.badReports).toBeGreaterThanOrEqual(3);
      expect(dev.written.every((r) => r.length === HID_REPORT_SIZE && r[0] === HID_REPORT_ID)).toBe(true);
      dev.unplug();
      await events.next('card.removed');
      expect(t.closed).toBe(true);
    } finally {
      reader.stop();
      events.stop();
      await t.close();
    }
  });
});
