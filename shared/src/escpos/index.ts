export * from './decoder.ts';
export * from './encoder.ts';
export * from './status.ts';
