// The MQTT protocol pieces the engine uses, all from @linli/shared (one definition for the
// gateway, the simulators and the UIs), gathered in one place for the engine.
import {
  CONTACT_ID,
  type DeviceEvent,
  DeviceEventSchema,
  type DeviceStatus,
  DeviceStatusSchema,
  type Heartbeat,
  HeartbeatSchema,
  MAX_PAYLOAD_BYTES,
  parsePayload,
  parseTopic,
  severityOf,
  topics,
  type ValidationResult,
} from '@linli/shared';

export { CONTACT_ID, MAX_PAYLOAD_BYTES, parseTopic, severityOf, topics };

const SCHEMAS = { evt: DeviceEventSchema, hb: HeartbeatSchema, status: DeviceStatusSchema };

/** Parse and validate a payload of one of the device → gateway kinds (never throws). */
export function parseDevicePayload<T extends DeviceEvent | Heartbeat | DeviceStatus>(
  kind: keyof typeof SCHEMAS,
  payload: Buffer,
): ValidationResult<T> {
  return parsePayload<T>(SCHEMAS[kind], payload);
}
