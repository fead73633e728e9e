// @linli/kiosk: the kiosk service as a library (tests, the `npm start` launcher).
export { type BuildOptions, buildApp, type KioskServices } from './app.ts';
export { ConfigError, type KioskConfig, loadConfig, type QueuePolicy } from './config.ts';
export { openDb } from './db/open.ts';
export { KioskBus, type KioskEvents } from './events.ts';
export { Appointments } from './queue/appointments.ts';
export { callText, type IssueResult, QueueEngine } from './queue/engine.ts';
export { QueueError } from './queue/errors.ts';
export { type Candidate, callOrder } from './queue/policy.ts';
export type { QueueSnapshot } from './queue/snapshot.ts';
export { computeStats, statsCsv } from './queue/stats.ts';
export { type Clock, ManualClock, systemClock } from './queue/time.ts';
export type * from './queue/types.ts';
