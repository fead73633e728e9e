export * from './decoder.ts';
export * from './encoder.ts';
export * from './gb18030.ts';
export * from './status.ts';
