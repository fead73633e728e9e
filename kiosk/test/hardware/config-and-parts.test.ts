// Device specs and env config, the waitress, the health registry.
import { TimeoutError } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { KioskBus } from '../../src/events.ts';
import { HardwareError } from '../../src/hardware/errors.ts';
import { HealthRegistry } from '../../src/hardware/health.ts';
import { hardwareConfigFromEnv, parseDeviceSpec } from '../../src/hardware/spec.ts';
import { Waitress } from '../../src/hardware/waitress.ts';
import { Events } from './helpers.ts';

describe('device specs', () => {
  it('understands simulated, none, serial paths with baud, printer files and hid', () => {
    // Unset is not configured — never a simulator (issue #10, defect 13).
    expect(parseDeviceSpec('idcard', undefined)).toEqual({ kind: 'unconfigured' });
    expect(parseDeviceSpec('idcard', '')).toEqual({ kind: 'unconfigured' });
    expect(parseDeviceSpec('idcard', 'simulated')).toEqual({ kind: 'simulated' });
    expect(parseDeviceSpec('scanner', 'none')).toEqual({ kind: 'none' });
    expect(parseDeviceSpec('idcard', '/dev/ttyUSB0')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baudRate: 115200,
    });
    expect(parseDeviceSpec('printer', '/dev/ttyS1@19200')).toEqual({
      kind: 'serial',
      path: '/dev/ttyS1',
      baudRate: 19200,
    });
    expect(parseDeviceSpec('printer', '/dev/usb/lp0')).toEqual({ kind: 'file', path: '/dev/usb/lp0' });
    expect(parseDeviceSpec('idcard', 'hid:/dev/hidraw2')).toEqual({ kind: 'hid', path: '/dev/hidraw2' });
    expect(parseDeviceSpec('scanner', 'hid:')).toEqual({ kind: 'hid', path: 'auto' });
  });

  it('refuses bad specs with an error naming the variable', () => {
    const bad: [Parameters<typeof parseDeviceSpec>[0], string, RegExp][] = [
      ['printer', 'hid:/dev/hidraw0', /LINLI_KIOSK_PRINTER.*HID printers/],
      ['idcard', 'hid:auto', /LINLI_KIOSK_IDCARD/],
      ['scanner', 'ttyUSB0', /LINLI_KIOSK_SCANNER.*device path/],
      ['idcard', '/dev/ttyUSB0@12345', /unsupported baud rate/],
    ];
    for (const [device, value, msg] of bad) {
      expect(() => parseDeviceSpec(device, value)).toThrow(HardwareError);
      expect(() => parseDeviceSpec(device, value)).toThrow(msg);
    }
  });

  it('reads the environment', () => {
    expect(
      hardwareConfigFromEnv(
        { LINLI_KIOSK_PRINTER: '/dev/usb/lp1', LINLI_KIOSK_POLL_INTERVAL_MS: '500' },
        '/tmp/x',
      ),
    ).toEqual({
      idcard: '',
      printer: '/dev/usb/lp1',
      scanner: '',
      pollIntervalMs: 500,
      dataDir: '/tmp/x',
    });
    expect(() => hardwareConfigFromEnv({ LINLI_KIOSK_POLL_INTERVAL_MS: '100' }, '/tmp/x')).toThrow(
      /LINLI_KIOSK_POLL_INTERVAL_MS/,
    );
    expect(() => hardwareConfigFromEnv({ LINLI_KIOSK_SCANNER: 'bogus' }, '/tmp/x')).toThrow(
      /LINLI_KIOSK_SCANNER/,
    );
  });
});

describe('Waitress', () => {
  it('gives a message to the first matching waiter; others stay', async () => {
    const w = new Waitress<number>();
    const even = w.waitFor((n) => n % 2 === 0, 1000, 'even');
    const any = w.waitFor(() => true, 1000, 'any');
    expect(w.offer(3)).toBe(true);
    expect(await any.promise).toBe(3);
    expect(w.offer(4)).toBe(true);
    expect(await even.promise).toBe(4);
    expect(w.offer(5)).toBe(false);
  });

  it('fails with a typed TimeoutError and counts it', async () => {
    const w = new Waitress<number>();
    const x = w.waitFor(() => true, 20, 'SAM findCard');
    await expect(x.promise).rejects.toBeInstanceOf(TimeoutError);
    await expect(x.promise).rejects.toThrow(/SAM findCard: no answer within 20 ms/);
    expect(w.timeouts).toBe(1);
    expect(w.pending).toBe(0);
  });

  it('rejectAll and cancel fail waiters with the given error', async () => {
    const w = new Waitress<number>();
    const a = w.waitFor(() => true, 1000, 'a');
    const b = w.waitFor(() => true, 1000, 'b');
    a.cancel(new Error('gone'));
    w.rejectAll(new Error('closed'));
    await expect(a.promise).rejects.toThrow('gone');
    await expect(b.promise).rejects.toThrow('closed');
  });
});

describe('HealthRegistry', () => {
  it('publishes changes only, and moves `since` when the state changes', () => {
    let t = 1000;
    const bus = new KioskBus();
    const events = new Events(bus);
    const h = new HealthRegistry(bus, () => t);
    h.add('printer', { connected: true, state: 'ok' });
    h.set('printer', { state: 'ok' });
    expect(events.of('device.health')).toHaveLength(1);
    t = 2000;
    h.set('printer', { state: 'warning', paper: 'near-end', detail: 'paper near end' });
    t = 3000;
    h.set('printer', { detail: 'still near end' });
    expect(events.of('device.health')).toHaveLength(3);
    expect(h.get('printer')).toMatchObject({ state: 'warning', since: 2000, detail: 'still near end' });
    h.set('printer', { state: 'ok', detail: undefined });
    expect(h.get('printer')).not.toHaveProperty('detail');
    expect(h.all()).toHaveLength(1);
    events.stop();
  });
});
