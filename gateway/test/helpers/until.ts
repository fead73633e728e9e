// Waits for a condition in tests: polls `fn` until it returns a truthy value (returned), or fails
// after `ms` naming `what`. Tests wait for conditions, never for fixed times.
export async function until<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 20_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
