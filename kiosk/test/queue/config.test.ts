import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveIdHmacKey } from '../../src/config.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('kiosk config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8090,
      timeZone: 'Asia/Shanghai',
      devices: { idcard: '', printer: '', scanner: '' }, // not configured: no simulators by default
      queue: { policy: 'ratio', normalPerPriority: 3, priorityAge: 70 },
    });
    expect(c.dataDir.endsWith(join('data', 'kiosk'))).toBe(true);
  });

  it('takes LINLI_KIOSK_* overrides', () => {
    const c = loadConfig(
      {},
      {
        LINLI_KIOSK_PORT: '9000',
        LINLI_KIOSK_POLICY: 'weighted',
        LINLI_KIOSK_PRIORITY_CLASSES: 'disability, pregnancy',
        LINLI_KIOSK_ENFORCE_HOURS: 'false',
        LINLI_KIOSK_TIME_ZONE: 'Asia/Urumqi',
        LINLI_KIOSK_PUBLIC_URL: 'https://station.example.cn/',
        LINLI_KIOSK_PRINT_WITHOUT_STATUS: 'true',
      },
    );
    expect(c.printWithoutStatus).toBe(true);
    expect(c.port).toBe(9000);
    expect(c.queue.policy).toBe('weighted');
    expect(c.queue.priorityClasses).toEqual(['disability', 'pregnancy']);
    expect(c.queue.enforceHours).toBe(false);
    expect(c.timeZone).toBe('Asia/Urumqi');
    expect(c.publicUrl).toBe('https://station.example.cn');
  });

  it.each([
    [{ LINLI_KIOSK_PORT: 'eighty' }, 'port'],
    [{ LINLI_KIOSK_PORT: '70000' }, 'port'],
    [{ LINLI_KIOSK_POLICY: 'random' }, 'queue.policy'],
    [{ LINLI_KIOSK_TIME_ZONE: 'Mars/Olympus' }, 'timeZone'],
    [{ LINLI_KIOSK_PUBLIC_URL: 'ftp://x' }, 'publicUrl'],
    [{ LINLI_KIOSK_ENFORCE_HOURS: 'maybe' }, 'queue.enforceHours'],
    [{ LINLI_KIOSK_PRINT_WITHOUT_STATUS: 'sometimes' }, 'printWithoutStatus'],
    [{ LINLI_KIOSK_PRIORITY_CLASSES: 'normal' }, 'queue.priorityClasses'],
    [{ LINLI_KIOSK_NORMAL_PER_PRIORITY: '0' }, 'queue.normalPerPriority'],
    [{ LINLI_KIOSK_KIOSK_ADDRESSES: 'localhost' }, 'kioskAddresses'],
  ])('names the bad key: %j', (env, key) => {
    const err = errorOf(() => loadConfig({}, env));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as ConfigError).message).toContain(`config ${key}:`);
  });

  it('refuses an unknown LINLI_KIOSK_* variable, naming the nearest known one', () => {
    const err = errorOf(() => loadConfig({}, { LINLI_KIOSK_PRINTR: '/dev/usb/lp0' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      'config LINLI_KIOSK_PRINTR: unknown setting; did you mean LINLI_KIOSK_PRINTER?',
    );
    // the gateway's, the simulators' and start.ts's variables share the environment under npm start
    expect(
      loadConfig({}, { LINLI_GW_SITE: 's', LINLI_SIM_STATE_DIR: '/tmp/x', LINLI_DATA_DIR: '/tmp/y' }).port,
    ).toBe(8090);
  });

  it('reads a JSON settings file named by LINLI_KIOSK_CONFIG_FILE, under the environment', () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-cfg-'));
    const file = join(dir, 'kiosk.json');
    writeFileSync(file, JSON.stringify({ port: 9100, queue: { policy: 'strict' } }));
    const c = loadConfig({}, { LINLI_KIOSK_CONFIG_FILE: file, LINLI_KIOSK_POLICY: 'weighted' });
    expect(c.port).toBe(9100);
    expect(c.queue.policy).toBe('weighted');
  });

  it('refuses unknown keys in code overrides', () => {
    const err = errorOf(() => loadConfig({ queue: { polcy: 'strict' } } as never, {}));
    expect((err as ConfigError).key).toBe('queue.polcy');
  });

  it('creates the ID-number HMAC key once, mode 600, and reuses it', () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-cfg-'));
    const c = loadConfig({ dataDir: dir }, {});
    const k1 = resolveIdHmacKey(c);
    const file = join(dir, 'id-hmac.key');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveIdHmacKey(c)).toBe(k1);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    expect(resolveIdHmacKey({ ...c, idHmacKey: 'from-config-key-123' })).toBe('from-config-key-123');
  });
});
