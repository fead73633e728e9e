export * from './audit.ts';
export * from './bootstrap.ts';
export * from './errors.ts';
export * from './roles.ts';
export * from './sessions.ts';
export * from './staff.ts';
