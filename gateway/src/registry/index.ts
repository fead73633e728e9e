export * from './csv.ts';
export * from './errors.ts';
export * from './import.ts';
export * from './mosquitto.ts';
export * from './registry.ts';
export * from './residents.ts';
export * from './schemas.ts';
export * from './zigbee.ts';
