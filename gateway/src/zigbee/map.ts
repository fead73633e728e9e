// Zigbee2MQTT device state → Linli event types. Zigbee2MQTT publishes the whole state object
// on every change, so contact and tamper become events only on a transition.
import type { EventType } from '@linli/shared';

export const SOS_ACTIONS = new Set(['emergency', 'sos', 'panic']);

export interface ZigbeePrev {
  contact?: boolean;
  tamper: boolean;
  batteryLow: boolean;
}

export interface ZigbeeMapped {
  events: EventType[];
  contact?: boolean;
  tamper?: boolean;
  battery?: number;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Map one state message. Unknown fields (linkquality, voltage, …) are ignored. */
export function mapZigbeeState(state: Record<string, unknown>, prev: ZigbeePrev): ZigbeeMapped {
  const out: ZigbeeMapped = { events: [] };
  const action = state.action;
  if ((typeof action === 'string' && SOS_ACTIONS.has(action.toLowerCase())) || state.sos === true)
    out.events.push('sos');
  if (typeof state.contact === 'boolean') {
    out.contact = state.contact;
    if (state.contact !== prev.contact && !(prev.contact === undefined && state.contact))
      out.events.push(state.contact ? 'door.close' : 'door.open');
  }
  if (typeof state.tamper === 'boolean') {
    out.tamper = state.tamper;
    if (state.tamper && !prev.tamper) out.events.push('tamper');
    if (!state.tamper && prev.tamper) out.events.push('tamper.restore');
  }
  if (typeof state.battery === 'number' && Number.isFinite(state.battery))
    out.battery = Math.max(0, Math.min(100, Math.round(state.battery)));
  if (state.battery_low === true && !prev.batteryLow) out.events.push('battery.low');
  return out;
}

/** `{"state":"online"}` or the legacy plain `online` / `offline`. */
export function parseAvailability(payload: Buffer): 'online' | 'offline' | undefined {
  const text = payload.toString('utf8').trim();
  if (text === 'online' || text === 'offline') return text;
  try {
    const v = JSON.parse(text) as unknown;
    if (isPlainObject(v) && (v.state === 'online' || v.state === 'offline')) return v.state;
  } catch {
    // fall through
  }
  return undefined;
}
