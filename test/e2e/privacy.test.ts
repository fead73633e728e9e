// Privacy (DESIGN.md "Security and privacy"): run the resident journey at the kiosk (card read,
// ticket, print, call, finish, rating) and the alarm journey at the gateway (press, alert,
// acknowledge, resolve) as real processes with the simulators, then search everything they left
// — every line of log output, every file in their data folders (SQLite database, -wal, -shm,
// print queue), the live event streams captured, every API answer, the printer's output — for
// the full ID numbers and unmasked names used. None may hold them.
//
// The one exception is documented: the gateway keeps a registered resident's name (not the ID
// number) for the responder, in its database and in the operator-only resident, device and
// alert-detail answers (docs/gateway-api.md). Everywhere else the name is searched for too.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type PrinterHandle, startDevice, startIdCardReader, startPrinter } from '@linli/firmware-sim';
import { encodeGb18030, idCheckChar, maskIdNumber, maskName } from '@linli/shared';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  type GatewayChild,
  HMAC_KEY,
  killed,
  provision,
  removeDir,
  secretOf,
  spawnGateway,
  tempDir,
} from './gateway-helpers.ts';
import { call, captureStream, type KioskProcess, loginAt, startKioskProcess } from './kiosk-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The forms a secret can take on disk or on the wire. */
function forms(secret: string): { label: string; bytes: Buffer }[] {
  const out = [
    { label: 'utf8', bytes: Buffer.from(secret, 'utf8') },
    { label: 'utf16le', bytes: Buffer.from(secret, 'utf16le') },
    { label: 'gb18030', bytes: encodeGb18030(secret) },
  ];
  if (/x$/i.test(secret)) out.push({ label: 'lower-case x', bytes: Buffer.from(secret.toLowerCase()) });
  // a JSON-escaped name (\u738b…) in a log line or a stream
  if (/[^\x20-\x7e]/.test(secret)) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    const uEscaped = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    out.push(
      { label: 'json', bytes: Buffer.from(escaped) },
      { label: '\\u-escaped', bytes: Buffer.from(uEscaped) },
    );
  }
  return out;
}

interface Place {
  where: string;
  bytes: Buffer;
}

/** Every file under `dir` (bounded: 2,000 files). */
function filesUnder(dir: string, label: string): Place[] {
  const out: Place[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (out.length >= 2000) return;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile())
        out.push({ where: `${label}: ${p.slice(dir.length + 1)}`, bytes: readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

/** Where each secret was found: [] when none. */
function leaks(places: Place[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    for (const f of forms(s)) {
      for (const p of places)
        if (p.bytes.includes(f.bytes)) found.push(`${JSON.stringify(s)} (${f.label}) in ${p.where}`);
    }
  }
  return found;
}

const text = (where: string, s: string): Place => ({ where, bytes: Buffer.from(s) });

let kiosk: KioskProcess | undefined;
let gw: GatewayChild | undefined;
let dir: string | undefined;
const stops: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => {});
  for (const p of [kiosk?.proc, gw?.proc].filter(Boolean) as ChildProcess[]) {
    p.kill('SIGKILL');
    await killed(p);
  }
  kiosk = undefined;
  gw = undefined;
  removeDir(dir);
  dir = undefined;
});

describe('privacy: no full ID number or unmasked name anywhere after the journeys', () => {
  it('resident journey at the kiosk: card read, ticket, print, call, finish, rating', async () => {
    dir = tempDir();
    const printerLink = join(dir, 'printer');
    const readerLink = join(dir, 'idcard');
    const printer: PrinterHandle = await startPrinter({ link: printerLink, control: false });
    stops.push(() => printer.stop());
    const reader = await startIdCardReader({ link: readerLink, control: false });
    stops.push(() => reader.stop());
    const resident = reader.residents.get('wang-86')!.card;
    const name = 'name' in resident ? resident.name : resident.chineseName;
    const address = 'address' in resident ? resident.address : '';
    const secrets = [resident.idNumber, name, address].filter((s) => s.length > 0);

    const dataDir = join(dir, 'kiosk-data');
    kiosk = await startKioskProcess(
      {
        LINLI_KIOSK_DATA_DIR: dataDir,
        LINLI_KIOSK_ADMIN_PASSWORD: 'privacy-admin-1',
        LINLI_KIOSK_PRINTER: printerLink,
        LINLI_KIOSK_IDCARD: readerLink,
        LINLI_KIOSK_SCANNER: 'none',
        LINLI_KIOSK_ENFORCE_HOURS: 'false',
        LINLI_KIOSK_LOG_LEVEL: 'debug', // the most the service ever writes
      },
      await freePort(),
    );
    const base = kiosk.base;
    const answers: Place[] = [];
    const api = async (method: string, path: string, body?: unknown, cookie?: string) => {
      const a = await call(base, method, path, body, cookie);
      answers.push(text(`API ${method} ${path}`, a.text));
      return a;
    };
    const admin = await loginAt(base, '/api/auth/login', 'admin', 'privacy-admin-1');
    const kioskStream = captureStream(`${base}/api/stream`);
    const staffStream = captureStream(`${base}/api/stream`, admin);
    stops.push(async () => {
      kioskStream.stop();
      staffStream.stop();
    });
    await sleep(300);

    // the card is read and shown masked
    reader.place('wang-86');
    const deadline = Date.now() + 15_000;
    let shown = await api('GET', '/api/kiosk/card');
    while (!shown.text.includes(maskName(name)) && Date.now() < deadline) {
      await sleep(150);
      shown = await api('GET', '/api/kiosk/card');
    }
    expect(shown.text, 'the card was read and shown masked').toContain(maskName(name));
    expect(shown.text).toContain(maskIdNumber(resident.idNumber));

    // ticket, printed
    const issued = await api('POST', '/api/tickets', { serviceId: 'general', identity: 'card' });
    expect(issued.status).toBe(201);
    const ticket = issued.body.ticket as { id: string; number: string };
    const token = issued.body.token as string;
    await printer.nextTicket(15_000);
    reader.remove();

    // called, served, finished, rated
    expect((await api('POST', '/api/windows/4/sign-in', {}, admin)).status).toBe(200);
    const called = await api('POST', '/api/windows/4/call-next', undefined, admin);
    expect(called.status).toBe(200);
    expect((await api('POST', `/api/tickets/${ticket.id}/start`, undefined, admin)).status).toBe(200);
    expect(
      (await api('POST', `/api/tickets/${ticket.id}/finish`, { outcome: 'resolved', note: '已办结' }, admin))
        .status,
    ).toBe(200);
    await api('GET', `/api/follow/${token}`);
    expect((await api('POST', `/api/follow/${token}/rating`, { rating: 5 })).status).toBe(200);

    // everything staff and the board can read afterwards
    for (const path of [
      '/api/tickets',
      `/api/tickets/${ticket.id}`,
      '/api/queue',
      '/api/hardware/print-jobs',
      '/api/admin/audit',
      '/api/admin/stats',
      '/api/admin/stats.csv',
      '/api/admin/ratings/bad',
      '/api/windows/4/current',
    ]) {
      await api('GET', path, undefined, admin);
    }
    await sleep(300);
    kioskStream.stop();
    staffStream.stop();
    expect(staffStream.text(), 'the staff stream carried the journey').toContain('ticket.finished');

    const places: Place[] = [
      text('kiosk log output', kiosk.output()),
      text('kiosk SSE stream (kiosk address)', kioskStream.text()),
      text('kiosk SSE stream (staff)', staffStream.text()),
      ...answers,
      ...printer.tickets.flatMap((t, i) => [
        { where: `printer ticket ${i} (bytes)`, bytes: t.bytes },
        text(`printer ticket ${i} (text)`, t.text),
      ]),
      ...filesUnder(dataDir, 'kiosk data (running, with -wal)'),
    ];
    expect(places.filter((p) => p.where.includes('-wal')).length, 'a WAL file was searched').toBeGreaterThan(
      0,
    );
    // the search works: the masked number the kiosk keeps is found in its files
    expect(
      leaks(filesUnder(dataDir, 'kiosk data'), [maskIdNumber(resident.idNumber)]).length,
    ).toBeGreaterThan(0);
    expect(leaks(places, secrets)).toEqual([]);

    // and after a clean stop (WAL checkpointed into the database)
    kiosk.proc.kill('SIGTERM');
    await killed(kiosk.proc);
    expect(leaks(filesUnder(dataDir, 'kiosk data (stopped)'), secrets)).toEqual([]);
  }, 90_000);

  it('alarm journey at the gateway: press, alert, acknowledge, resolve', async () => {
    dir = tempDir();
    const body = '11010519520315123';
    const idNumber = `${body}${idCheckChar(body)}`;
    const name = '赵建国';
    provision(dir, (r) => {
      r.provision({ id: 'pv1', site: 'site1', kind: 'pendant', secret: secretOf('pv1') });
    });
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    gw = await spawnGateway({
      LINLI_GW_DATA_DIR: dir,
      LINLI_GW_SITE: 'site1',
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: String(mqttPort),
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_HOST: '127.0.0.1',
      LINLI_GW_HTTP_PORT: String(httpPort),
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_ADMIN_PASSWORD: 'privacy-admin-1',
    });
    const base = `http://127.0.0.1:${httpPort}`;
    const admin = await loginAt(base, '/api/login', 'admin', 'privacy-admin-1');
    const answers: Place[] = [];
    /** Answers documented to carry the resident's name for the responder (never the ID number). */
    const responderViews: Place[] = [];
    const api = async (method: string, path: string, payload?: unknown, responder = false) => {
      const a = await call(base, method, path, payload, admin);
      (responder ? responderViews : answers).push(text(`API ${method} ${path}`, a.text));
      return a;
    };
    const created = await api(
      'POST',
      '/api/residents',
      {
        name,
        idNumber,
        address: '北京市东城区景山前街4号院1单元101',
        phone: '13900000001',
        livesAlone: true,
      },
      true,
    );
    expect(created.status, created.text).toBe(201);
    const residentId = (created.body.resident as { id: string | number }).id;
    expect((await api('PATCH', '/api/devices/pv1', { residentId }, true)).status).toBe(200);
    const stream = captureStream(`${base}/api/stream`, admin);
    stops.push(async () => stream.stop());
    await sleep(300);

    const device = await startDevice({
      url: `mqtt://127.0.0.1:${mqttPort}`,
      site: 'site1',
      id: 'pv1',
      secret: secretOf('pv1'),
      heartbeatIntervalS: 0,
    });
    stops.push(() => device.crash());
    await device.press();
    let alerts: { id: string }[] = [];
    const deadline = Date.now() + 10_000;
    while (alerts.length === 0 && Date.now() < deadline) {
      alerts = (await api('GET', '/api/alerts')).body.alerts as { id: string }[];
      if (alerts.length === 0) await sleep(100);
    }
    expect(alerts).toHaveLength(1);
    const id = alerts[0]!.id;
    const detail = await api('GET', `/api/alerts/${id}`, undefined, true);
    expect(detail.text, 'the responder sees who to help').toContain(name);
    expect((await api('POST', `/api/alerts/${id}/ack`)).status).toBe(200);
    await device.waitForCommand('alert.acknowledged', 10_000);
    expect(
      (await api('POST', `/api/alerts/${id}/resolve`, { outcome: 'assisted', note: '已上门' })).status,
    ).toBe(200);
    for (const path of ['/api/alerts?state=resolved', '/api/events', '/api/audit', '/metrics', '/healthz']) {
      await api('GET', path);
    }
    for (const path of [
      '/api/devices',
      '/api/devices/pv1',
      `/api/residents/${residentId}`,
      '/api/residents',
    ]) {
      await api('GET', path, undefined, true);
    }
    await sleep(300);
    stream.stop();
    expect(stream.text(), 'the stream carried the journey').toMatch(/resolved/);

    const files = filesUnder(dir, 'gateway data (running, with -wal)');
    expect(
      files.some((f) => f.where.endsWith('-wal')),
      'a WAL file was searched',
    ).toBe(true);
    const everywhere: Place[] = [
      text('gateway log output', gw.output()),
      text('gateway SSE stream', stream.text()),
      ...answers,
      ...responderViews,
      ...files,
    ];
    // the search works: the registered name is found in the database files
    expect(leaks(files, [name]).length).toBeGreaterThan(0);
    // the full ID number: nowhere at all
    expect(leaks(everywhere, [idNumber])).toEqual([]);
    // the name: only where the responder needs it (database, resident/device/alert detail)
    expect(
      leaks(
        [text('gateway log output', gw.output()), text('gateway SSE stream', stream.text()), ...answers],
        [name],
      ),
    ).toEqual([]);
    gw.proc.kill('SIGTERM');
    await killed(gw.proc);
    expect(leaks(filesUnder(dir, 'gateway data (stopped)'), [idNumber])).toEqual([]);
  }, 90_000);
});
