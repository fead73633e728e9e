// A responder's availability hours ('HH:MM-HH:MM' station time, may wrap midnight; null: always).

/** Minutes since midnight in the station's time zone. */
export function stationMinute(at: number, tzMinutes: number): number {
  const d = new Date(at + tzMinutes * 60_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

export function isAvailable(hours: string | null, at: number, tzMinutes: number): boolean {
  if (hours === null) return true;
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(hours);
  if (!m) return false; // unreadable hours: not called (the API refuses them anyway)
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  const now = stationMinute(at, tzMinutes);
  if (from === to) return true;
  return from < to ? now >= from && now < to : now >= from || now < to;
}
