// Scanners: serial mode on a real pseudo-terminal, and the fake HID POS device behind HidBackend.
import { HID_POS_USAGE_PAGE, type HidBackend } from '@linli/shared';
import type { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeHidPosReports,
  encodeHidPosReports,
  FakeHidBackend,
  type SerialScannerHandle,
  startSerialScanner,
} from '../src/index.ts';
import { closeClient, collect, openClient } from './helpers/serial-client.ts';

describe('serial scanner on a pseudo-terminal', () => {
  let sim: SerialScannerHandle | undefined;
  let port: SerialPort | undefined;
  afterEach(async () => {
    await closeClient(port);
    await sim?.stop();
  });

  it('sends each scanned code followed by CR, also from its control endpoint', async () => {
    sim = await startSerialScanner();
    port = await openClient(sim.path);
    const got = collect(port, (b) => b.toString().split('\r').length === 3);
    sim.scan('LINLI:T:A012');
    await fetch(`${sim.controlUrl}/scan`, {
      method: 'POST',
      body: JSON.stringify({ code: '6901234567892' }),
    });
    expect((await got).toString()).toBe('LINLI:T:A012\r6901234567892\r');
    expect(() => sim!.scan('two\rlines')).toThrow(/without CR/);
  });
});

describe('fake HID POS scanner', () => {
  it('lists a usage page 0x8C device and delivers whole codes in HID POS reports', async () => {
    const backend: HidBackend = new FakeHidBackend();
    const [info] = await backend.devices();
    expect(info).toMatchObject({ usagePage: HID_POS_USAGE_PAGE, usage: 0x02 });
    const dev = await backend.open(info!.path);
    const reports: Buffer[] = [];
    dev.on('data', (r) => reports.push(r));
    (backend as FakeHidBackend).scan('https://linli.example/rate/A012', 'qr');
    expect(reports).toHaveLength(1);
    expect(reports[0]![0]).toBe(0x02);
    expect(decodeHidPosReports(reports)).toEqual({ code: 'https://linli.example/rate/A012', aim: ']Q1' });
    expect(await dev.write([0x04, 0x01])).toBe(2);
    await dev.close();
  });

  it('splits a long code over continued reports', () => {
    const code = 'X'.repeat(130);
    const reports = encodeHidPosReports(code, 'code128');
    expect(reports.map((r) => r[63])).toEqual([1, 1, 0]);
    expect(decodeHidPosReports(reports)).toEqual({ code, aim: ']C0' });
  });

  it('unplug: open handles error, the device disappears, opening fails', async () => {
    const backend = new FakeHidBackend();
    const dev = await backend.open(backend.info.path);
    const errors: Error[] = [];
    dev.on('error', (e) => errors.push(e));
    backend.unplug();
    expect(errors).toHaveLength(1);
    expect(await backend.devices()).toEqual([]);
    await expect(backend.open(backend.info.path)).rejects.toThrow(/cannot open/);
    backend.replug();
    expect(await backend.devices()).toHaveLength(1);
  });
});
