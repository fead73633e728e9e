export { ZigbeeAdapter } from './adapter.ts';
export { isPlainObject, mapZigbeeState, parseAvailability, SOS_ACTIONS } from './map.ts';
