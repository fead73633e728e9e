export * from './contactid.ts';
export * from './schemas.ts';
export * from './topics.ts';
