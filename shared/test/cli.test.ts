import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EscPos } from '../src/escpos/encoder.ts';
import { encodeCardText } from '../src/idcard/card.ts';
import { encodeReadData, encodeReply } from '../src/idcard/reply.ts';
import { randomBytes } from './helpers/bytes.ts';
import { resident } from './helpers/cards.ts';

const BIN = resolve(import.meta.dirname, '../bin/linli.mjs');
// run from a directory outside the repository: the CLI must work from any cwd
const dir = mkdtempSync(join(tmpdir(), 'linli-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function linli(args: string[], stdin?: string | Buffer): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, timeout: 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin!.end(stdin ?? '');
  });
}
const file = (name: string, data: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const spaced = (b: Buffer) =>
  b
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');

const readReply = encodeReply(0x90, encodeReadData(encodeCardText(resident), randomBytes(1024)));
const ticket = new EscPos()
  .init()
  .align('center')
  .size(2, 2)
  .line('邻里社区服务站')
  .size(1, 1)
  .line('排队号 A012')
  .line('请到 3 号窗口办理')
  .qr('https://linli.example/t/A012')
  .feed(1)
  .cut()
  .build();

describe.concurrent('linli CLI (spawned)', { timeout: 60_000 }, () => {
  it('prints top-level help, and usage with exit 2 when called without a command', async () => {
    const help = await linli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('idcard decode');
    expect(help.stdout).toContain('id check');
    expect(help.stdout).toContain('escpos render');
    const none = await linli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: linli');
  });

  it('decodes a 1295-byte read reply of a synthetic card from a file, masked by default', async () => {
    expect(readReply.length).toBe(1295);
    const r = await linli(['idcard', 'decode', file('read.bin', readReply)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.frame).toMatchObject({
      bytes: 1295,
      sw3: '90',
      status: 'SUCCESS',
      textLength: 256,
      photoLength: 1024,
    });
    expect(out.card).toEqual({ ...resident, name: '王*英', idNumber: '110105********002X' });
    expect(out.idNumber).toEqual({ valid: true });
    expect(out.expired).toBe(false);
    expect(r.stdout).not.toContain('11010519491231002X');
    expect(r.stdout).not.toContain('王秀英');
  });

  it('reveals names and the number with --reveal, reading hex text from stdin', async () => {
    const r = await linli(['idcard', 'decode', '--reveal', '-'], `${spaced(readReply)}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).card).toEqual(resident);
  });

  it('says what is wrong with a bad frame and exits 1', async () => {
    const bad = Buffer.from(readReply);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
    const r = await linli(['idcard', 'decode', file('bad.bin', bad)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad frame (FRAME_CHECKSUM)');
    expect(r.stderr).toContain('input: 1295 bytes: AA AA AA 96 69 05 08');
    expect(r.stdout).toBe('');
  });

  it('checks ID numbers, with the exit code saying valid or not', async () => {
    const ok = await linli(['id', 'check', '11010519491231002X']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe('110105********002X: valid (region 110105, born 1949-12-31, female)');
    const bad = await linli(['id', 'check', '110105194912310021']);
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim()).toBe(
      '110105********0021: invalid (ID_CHECKSUM): check character is 1, the first 17 digits need X',
    );
  });

  it('renders a ticket with Chinese text and a QR code', async () => {
    const r = await linli(['escpos', 'render', file('ticket.bin', ticket)]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual([
      '邻里社区服务站',
      '排队号 A012',
      '请到 3 号窗口办理',
      '[QR:https://linli.example/t/A012]',
      '',
      '--- cut ---',
      '',
    ]);
  });

  it('prints the help of a command', async () => {
    const r = await linli(['idcard', 'decode', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('raw bytes or as hex text');
  });
});
