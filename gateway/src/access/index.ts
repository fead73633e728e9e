export { ACCESS_TYPES, hashCard } from './card.ts';
export { type AccessLogEntry, listAccessLog } from './log.ts';
