// What the center console needs beside an alert: the resident (name, phone, address, where
// they live, emergency contacts) and the device, from the station's registry. Never an ID
// number: the registry's masked ID number is not copied.
import type { StoredAlert } from '../alerts/repo.ts';
import type { DeviceDirectory } from '../types.ts';
import type { AlertContext } from './messages.ts';

export function alertContext(directory: DeviceDirectory, a: StoredAlert): AlertContext {
  const ctx: AlertContext = {};
  const device = a.deviceId !== undefined ? directory.get(a.deviceId) : undefined;
  const loc = device?.location ?? {};
  const where = {
    ...(loc.building !== undefined ? { building: loc.building } : {}),
    ...(loc.unit !== undefined ? { unit: loc.unit } : {}),
    ...(loc.room !== undefined ? { room: loc.room } : {}),
    ...(loc.grid !== undefined ? { gridCell: loc.grid } : {}),
  };
  if (device) {
    const location = [loc.building, loc.unit, loc.room].filter((s) => s !== undefined).join('-');
    ctx.device = { id: device.id, kind: device.kind, ...(location ? { location } : {}), ...where };
  }
  const residentId = a.residentId ?? device?.residentId;
  const r = residentId !== undefined ? directory.resident(residentId) : undefined;
  if (r)
    ctx.resident = {
      id: r.id,
      name: r.name,
      ...(r.phone !== undefined ? { phone: r.phone } : {}),
      ...(r.address !== undefined ? { address: r.address } : {}),
      ...where,
      livesAlone: r.livesAlone,
      emergencyContacts: r.emergencyContacts.map((c) => ({
        name: c.name,
        phone: c.phone,
        ...(c.relation !== undefined ? { relation: c.relation } : {}),
      })),
    };
  return ctx;
}
