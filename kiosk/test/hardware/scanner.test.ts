// Scanners: serial-mode codes (CR/LF terminated) over MockBinding, HID POS reports through a fake
// HID backend (firmware-sim's FakeHidBackend), each code one 'scan' event.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeHidBackend } from '@linli/firmware-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { KioskBus } from '../../src/events.ts';
import { silentLogger, startHardware } from '../../src/hardware/index.ts';
import { encodeHidPosReports, HidPosAssembler } from '../../src/hardware/scanner/hid-pos.ts';
import { CodeSplitter, MAX_CODE_LENGTH, SerialScanner } from '../../src/hardware/scanner/serial-scanner.ts';
import { hidTransport } from '../../src/hardware/transport/hid-transport.ts';
import { createMockPath, Events, FakeHidDevice, log, openMockLine } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('CodeSplitter', () => {
  it('splits on CR, LF and CR LF, across chunks, ignoring empty lines', () => {
    const s = new CodeSplitter();
    expect(s.push(Buffer.from('ABC\r\nDE'))).toEqual(['ABC']);
    expect(s.push(Buffer.from('F\r'))).toEqual(['DEF']);
    expect(s.push(Buffer.from('\n\n12\n3\r'))).toEqual(['12', '3']);
    expect(s.push(Buffer.from('中文码\r', 'utf8'))).toEqual(['中文码']);
  });

  it('refuses an overlong line up to its terminator and carries on', () => {
    const s = new CodeSplitter(8);
    expect(s.push(Buffer.from('0123456789ABCDEF'))).toEqual([]);
    expect(s.push(Buffer.from('GHI\rOK\r'))).toEqual(['OK']);
    expect(s.refused).toBe(1);
    expect(MAX_CODE_LENGTH).toBe(4096);
  });
});

describe('serial scanner (MockBinding)', () => {
  it('gives one scan event per code', async () => {
    const bus = new KioskBus();
    const events = new Events(bus);
    const line = await openMockLine(createMockPath(), () => {});
    const scanner = new SerialScanner(bus, log);
    scanner.attach(line.transport);
    cleanups.push(() => line.transport.close());
    line.emitData(Buffer.from('APPT-0042\rhttps://linli.example/q/7'));
    line.emitData(Buffer.from('\r'));
    expect((await events.next('scan')).code).toBe('APPT-0042');
    expect(await events.next('scan')).toMatchObject({ source: 'serial', code: 'https://linli.example/q/7' });
    expect(scanner.scans).toBe(2);
  });
});

describe('HID POS scanner', () => {
  it('assembles reports: one report is one code with its symbology; long codes span reports', () => {
    const a = new HidPosAssembler();
    const [one] = encodeHidPosReports('APPT-0042', ']Q1');
    expect(a.push(one!)).toEqual({ code: 'APPT-0042', symbology: ']Q1' });
    const long = 'x'.repeat(130);
    const reports = encodeHidPosReports(long, ']C0');
    expect(reports).toHaveLength(3);
    expect(a.push(reports[0]!)).toBe('more');
    expect(a.push(reports[1]!)).toBe('more');
    expect(a.push(reports[2]!)).toEqual({ code: long, symbology: ']C0' });
  });

  it('refuses reports that are not scanned data', () => {
    const a = new HidPosAssembler();
    expect(a.push(Buffer.alloc(64))).toHaveProperty('refused');
    const bad = encodeHidPosReports('X')[0]!;
    bad[1] = 60;
    expect(a.push(bad)).toHaveProperty('refused');
    expect(a.push(Buffer.from([0x02, 1, 0x41]))).toHaveProperty('refused');
  });

  it("'hid:auto' finds the scanner on usage page 0x8C; scans arrive as events; unplug and replug reconnect", async () => {
    const backend = new FakeHidBackend();
    const dir = mkdtempSync(join(tmpdir(), 'linli-hid-'));
    const bus = new KioskBus();
    const events = new Events(bus);
    const hw = await startHardware(
      { idcard: 'none', printer: 'none', scanner: 'hid:auto', dataDir: dir },
      bus,
      {
        log: silentLogger,
        hidBackend: backend,
        backoff: { initialMs: 20, maxMs: 100 },
      },
    );
    cleanups.push(async () => {
      await hw.stop();
      events.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    await events.next('device.health', (h) => h.device === 'scanner' && h.connected);
    backend.scan('LINLI-APPT-0042', 'qr');
    expect(await events.next('scan')).toMatchObject({
      source: 'hid',
      code: 'LINLI-APPT-0042',
      symbology: ']Q1',
    });
    backend.unplug();
    await events.next('device.health', (h) => h.device === 'scanner' && !h.connected);
    backend.replug();
    await events.next('device.health', (h) => h.device === 'scanner' && h.connected);
    backend.scan('9787111213826', 'ean13');
    expect(await events.next('scan')).toMatchObject({ code: '9787111213826', symbology: ']E0' });
    expect(events.of('scan')).toHaveLength(2);
    expect(hw.stats().scanner).toMatchObject({ scans: 2, connects: 2 });
  });

  it('a raw HID transport hands whole reports over and counts nothing as bad', async () => {
    const dev = new FakeHidDevice();
    const t = hidTransport(dev, 'fake', false);
    const got: Buffer[] = [];
    t.onData((r) => got.push(r));
    dev.input(Buffer.alloc(64, 1));
    expect(got).toHaveLength(1);
    expect(got[0]!.length).toBe(64);
    await t.close();
    expect(dev.closed).toBe(true);
  });
});
