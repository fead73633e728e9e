// Exponential backoff with full jitter between half and all of the step: attempt 1 waits about
// baseMs, each further attempt doubles it, capped at maxMs.
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
