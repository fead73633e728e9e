export * from './errors.ts';
export * from './escpos/index.ts';
export * from './hid.ts';
export * from './id/idnumber.ts';
export * from './idcard/index.ts';
export * from './mqtt/index.ts';
