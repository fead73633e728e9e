// Device specs: what LINLI_KIOSK_IDCARD / _PRINTER / _SCANNER may say.
//   (unset, '')          not configured: no device, reported as such in health and at start —
//                        the kiosk never pretends with a simulator (issue #10, defect 13)
//   simulated            start the firmware-sim device on a pseudo-terminal (development and
//                        tests: needs the dev dependency @linli/firmware-sim)
//   none                 deliberately no such device (not listed in health)
//   /dev/ttyUSB0[@baud]  serial port (idcard default 115200, printer and scanner 9600)
//   /dev/usb/lp0         USB printer device file (printer only)
//   hid:<path>           HID device (idcard: framed SAM reports; scanner: HID POS;
//                        'hid:' or 'hid:auto' picks the first device on usage page 0x8C)
import { loadServiceConfig } from '@linli/shared/service';
import { KIOSK_CONFIG_SPEC } from '../config.ts';
import { KioskSchema } from '../config-schema.ts';
import type { DeviceName } from '../events.ts';
import { HardwareError } from './errors.ts';
import type { HardwareConfig } from './types.ts';

export type DeviceSpec =
  | { kind: 'unconfigured' }
  | { kind: 'none' }
  | { kind: 'simulated' }
  | { kind: 'serial'; path: string; baudRate: number }
  | { kind: 'file'; path: string }
  | { kind: 'hid'; path: string | 'auto' };

const devices = KioskSchema.properties.devices.properties;
export const ENV_NAMES: Readonly<Record<DeviceName, string>> = {
  idcard: devices.idcard.env as string,
  printer: devices.printer.env as string,
  scanner: devices.scanner.env as string,
};

const DEFAULT_BAUD: Readonly<Record<DeviceName, number>> = { idcard: 115200, printer: 9600, scanner: 9600 };
const BAUDS = new Set([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]);

export function parseDeviceSpec(device: DeviceName, raw: string | undefined): DeviceSpec {
  const value = (raw ?? '').trim();
  const bad = (why: string): never => {
    throw new HardwareError('HW_CONFIG', `${ENV_NAMES[device]}=${JSON.stringify(value)}: ${why}`);
  };
  if (value === '') return { kind: 'unconfigured' };
  if (value === 'simulated') return { kind: 'simulated' };
  if (value === 'none') return { kind: 'none' };
  if (value.startsWith('hid:')) {
    if (device === 'printer') bad('HID printers are not supported; use a serial port or /dev/usb/lp*');
    const path = value.slice(4);
    if (path === '' || path === 'auto') {
      if (device !== 'scanner') bad("'hid:auto' only finds HID POS scanners; give the reader's HID path");
      return { kind: 'hid', path: 'auto' };
    }
    return { kind: 'hid', path };
  }
  if (device === 'printer' && /^\/dev\/usb\/lp\d+$/.test(value)) return { kind: 'file', path: value };
  const m = /^(.+?)(?:@(\d+))?$/.exec(value);
  const path = m?.[1] ?? value;
  if (!path.startsWith('/') && !/^COM\d+$/i.test(path)) {
    bad("expected 'simulated', 'none', 'hid:<path>' or a device path such as /dev/ttyUSB0");
  }
  const baudRate = m?.[2] ? Number(m[2]) : DEFAULT_BAUD[device];
  if (!BAUDS.has(baudRate)) bad(`unsupported baud rate ${baudRate}`);
  return { kind: 'serial', path, baudRate };
}

/** The hardware part of the kiosk config, read from the environment by the kiosk's config loader
 *  (so the same checks and the same unknown-variable refusal apply). */
export function hardwareConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string): HardwareConfig {
  const kiosk = loadServiceConfig(KIOSK_CONFIG_SPEC, { env });
  const config: HardwareConfig = { ...kiosk.devices, pollIntervalMs: kiosk.pollIntervalMs, dataDir };
  // Fail early on a bad spec, naming the variable.
  for (const d of ['idcard', 'printer', 'scanner'] as const) parseDeviceSpec(d, config[d]);
  return config;
}
