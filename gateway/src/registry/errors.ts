import { LinliError } from '@linli/shared';

/** Registry errors. code: 'DEVICE_NOT_FOUND' | 'DEVICE_EXISTS' | 'DEVICE_RETIRED' |
 *  'RESIDENT_NOT_FOUND' | 'RESIDENT_EXISTS' | 'ZIGBEE_NAME_TAKEN' */
export class RegistryError extends LinliError {}
