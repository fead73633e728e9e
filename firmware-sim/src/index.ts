// @linli/firmware-sim: simulators of every device Linli talks to, usable as a library.
export * from './control.ts';
export * from './errors.ts';
export * from './idcard/reader.ts';
export * from './idcard/residents.ts';
export * from './idcard/start.ts';
export * from './log.ts';
export * from './mqtt/device.ts';
export * from './mqtt/fleet.ts';
export * from './mqtt/load.ts';
export * from './mqtt/zigbee.ts';
export * from './printer/printer.ts';
export * from './printer/start.ts';
export * from './scanner/fake-hid.ts';
export * from './scanner/hid-pos.ts';
export * from './scanner/serial-scanner.ts';
export * from './serial/pacer.ts';
export * from './serial/pty.ts';
