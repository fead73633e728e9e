// `linli-sim all` as `npm start` runs it: the ID-card reader, printer and scanner on real
// pseudo-terminals plus the demo fleet on a real broker, driven through `linli-sim ctl`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeCardText,
  decodeReadData,
  decodeReply,
  EscPos,
  encodeCommand,
  type SamCommandName,
  SamFrameParser,
} from '@linli/shared';
import { Aedes } from 'aedes';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../firmware-sim/bin/linli-sim.mjs', import.meta.url));

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    c.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    c.on('error', reject);
    c.on('exit', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

async function open(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  return port;
}

describe('linli-sim all', () => {
  let aedes: Aedes;
  let server: Server;
  let child: ChildProcess;
  let stateDir: string;
  let outDir: string;
  let stdout = '';
  const clients = new Set<string>();
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, LINLI_SIM_STATE_DIR: stateDir });

  beforeAll(async () => {
    aedes = await Aedes.createBroker();
    aedes.on('client', (c) => clients.add(c.id));
    server = createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stateDir = mkdtempSync(join(tmpdir(), 'linli-e2e-sim-state-'));
    outDir = mkdtempSync(join(tmpdir(), 'linli-e2e-sim-out-'));
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    child = spawn(process.execPath, [BIN, 'all', '--url', url, '--out', outDir, '--log-level', 'warn'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`linli-sim all did not start: ${stdout}`)), 30_000);
      child.stdout!.on('data', (b: Buffer) => {
        stdout += b.toString();
        if (stdout.includes('fleet demo:')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  const pathOf = (name: string): string => {
    const m = new RegExp(`${name}=(\\S+)`).exec(stdout);
    if (!m) throw new Error(`no ${name} in ${stdout}`);
    return m[1]!;
  };

  it('brings the demo fleet and the Zigbee2MQTT bridge onto the broker', () => {
    for (const id of ['pendant-101', 'wall-201', 'door-301', 'access-401'])
      expect(clients).toContain(`linli-demo-${id}`);
    expect([...clients].some((c) => c.startsWith('zigbee2mqtt_'))).toBe(true);
  });

  it('reads a card placed with `ctl`, over the real pseudo-terminal', async () => {
    const placed = await runCli(['ctl', 'idcard', 'place', 'li-92'], env());
    expect(placed.code).toBe(0);
    const port = await open(pathOf('LINLI_KIOSK_IDCARD'));
    const parser = new SamFrameParser();
    port.pipe(parser);
    const bodies: Buffer[] = [];
    parser.on('data', (b: Buffer) => bodies.push(b));
    const request = async (name: SamCommandName): Promise<Buffer> => {
      const n = bodies.length;
      port.write(encodeCommand(name));
      for (let i = 0; i < 100 && bodies.length === n; i++) await new Promise((r) => setTimeout(r, 20));
      return bodies[n]!;
    };
    try {
      expect(decodeReply(await request('findCard')).sw3).toBe(0x9f);
      expect(decodeReply(await request('selectCard')).sw3).toBe(0x90);
      const text = decodeReadData(decodeReply(await request('readText')).data, false).text;
      expect(decodeCardText(text)).toMatchObject({ name: '李德明', type: 'resident' });
    } finally {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  });

  it('prints a ticket to the output folder, visible through `ctl printer latest`', async () => {
    const port = await open(pathOf('LINLI_KIOSK_PRINTER'));
    try {
      port.write(new EscPos().init().line('A007号 请稍候').qr('T:A007').cut().build());
      let latest = { code: 1, stdout: 'null' };
      for (let i = 0; i < 20; i++) {
        latest = await runCli(['ctl', 'printer', 'latest'], env());
        if (latest.stdout.trim() !== 'null') break;
      }
      const t = JSON.parse(latest.stdout) as { text: string; qr: string[]; files: { text: string } };
      expect(t.text).toContain('A007号 请稍候');
      expect(t.qr).toEqual(['T:A007']);
      expect(t.files.text.startsWith(outDir)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  });

  it('scans a code through `ctl scanner scan`', async () => {
    const port = await open(pathOf('LINLI_KIOSK_SCANNER'));
    try {
      const got = new Promise<string>((resolve) => {
        let buf = '';
        port.on('data', (b: Buffer) => {
          buf += b.toString();
          if (buf.endsWith('\r')) resolve(buf);
        });
      });
      expect((await runCli(['ctl', 'scanner', 'scan', 'LINLI:RATE:A007'], env())).code).toBe(0);
      expect(await got).toBe('LINLI:RATE:A007\r');
    } finally {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  });
});
