// The CLI commands run in-process through main(argv, io) with a fake terminal: the many
// error paths are checked here, cheaply; cli.test.ts spawns the real binary for the main paths.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesFromInput, type Io } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { EscPos } from '../src/escpos/encoder.ts';
import { encodeCardText } from '../src/idcard/card.ts';
import { encodeReadData, encodeReply } from '../src/idcard/reply.ts';
import { foreigner, resident } from './helpers/cards.ts';

const dir = mkdtempSync(join(tmpdir(), 'linli-cli-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
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

async function run(args: string[], stdin?: string | Buffer) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += `${t}\n`;
    },
    err: (t) => {
      stderr += `${t}\n`;
    },
    stdin: async () => (stdin === undefined ? undefined : Buffer.from(stdin)),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('linli commands (in-process)', () => {
  it('refuses unknown commands and options with exit 2', async () => {
    expect(await run(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command'),
    });
    expect((await run(['idcard'])).stderr).toContain('missing idcard command');
    expect((await run(['idcard', 'encode'])).stderr).toContain('unknown idcard command: encode');
    expect((await run(['id', 'verify'])).code).toBe(2);
    expect((await run(['id'])).stderr).toContain('missing id command');
    expect((await run(['escpos', 'print'])).code).toBe(2);
    expect((await run(['escpos'])).stderr).toContain('missing escpos command');
    const badOpt = await run(['idcard', 'decode', '--nope']);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toContain('--nope');
    expect((await run(['idcard', 'decode', 'a', 'b'])).stderr).toContain('at most one FILE');
    expect((await run(['escpos', 'render', 'a', 'b'])).code).toBe(2);
    expect((await run(['idcard', 'decode'])).stderr).toContain('nothing piped to stdin');
    expect((await run(['id', 'check'])).stderr).toContain('exactly one NUMBER');
    expect((await run(['escpos', 'render', '--width', 'wide'], 'x')).code).toBe(2);
  });

  it('prints help everywhere', async () => {
    for (const args of [
      ['help'],
      ['-h'],
      ['idcard', 'help'],
      ['idcard', '--help'],
      ['idcard', 'decode', '-h'],
      ['id', '--help'],
      ['id', 'check', '--help'],
      ['escpos', '-h'],
      ['escpos', 'render', '--help'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: linli');
    }
  });

  it('decodes hex text without spaces, with 0x prefixes and commas', async () => {
    const frame = encodeReply(0x90, encodeReadData(encodeCardText(resident), Buffer.alloc(1024)));
    const compact = await run(['idcard', 'decode', '--reveal'], frame.toString('hex'));
    expect(JSON.parse(compact.stdout).card.idNumber).toBe('11010519491231002X');
    const c = [...frame].map((b) => `0x${b.toString(16)}`).join(', ');
    expect((await run(['idcard', 'decode'], c)).code).toBe(0);
    expect(bytesFromInput(Buffer.from('aa:bb\n'))).toEqual(Buffer.from([0xaa, 0xbb]));
    expect(bytesFromInput(Buffer.from('0xAA 0x5,0x10'))).toEqual(Buffer.from([0xaa, 0x05, 0x10]));
    expect(() => bytesFromInput(Buffer.from('0xAA 0x123'))).toThrow(/not one byte/);
    expect(bytesFromInput(Buffer.from('hello'))).toEqual(Buffer.from('hello'));
    expect(bytesFromInput(Buffer.from(' \n'))).toEqual(Buffer.from(' \n'));
  });

  it('masks the foreign permanent resident card too', async () => {
    const frame = encodeReply(0x90, encodeReadData(encodeCardText(foreigner), Buffer.alloc(1024)));
    const r = await run(['idcard', 'decode', file('foreign.hex', spaced(frame))]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.card).toMatchObject({
      type: 'foreign-permanent',
      englishName: 'S***',
      chineseName: '史*斯',
      idNumber: 'US***********05',
    });
    expect(out.idNumber).toMatchObject({ valid: false, code: 'ID_LENGTH' });
  });

  it('decodes the fingerprint variant', async () => {
    const frame = encodeReply(
      0x90,
      encodeReadData(encodeCardText(resident), Buffer.alloc(1024), Buffer.alloc(512)),
    );
    const out = JSON.parse((await run(['idcard', 'decode'], frame)).stdout);
    expect(out.frame).toMatchObject({ photoLength: 1024, fingerprintLength: 512 });
  });

  it('prints the status of a non-read reply (the published find-card and select-card replies)', async () => {
    const find = await run(['idcard', 'decode'], 'AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97');
    expect(find.code).toBe(0);
    expect(JSON.parse(find.stdout)).toEqual({
      frame: {
        bytes: 15,
        sw3: '9F',
        status: 'CARD_FOUND',
        message: 'card found (寻找证/卡成功)',
        data: '00 00 00 00',
      },
    });
    const select = await run(['idcard', 'decode'], 'AAAAAA9669000C0000900000000000000000 9C');
    expect(JSON.parse(select.stdout).frame).toMatchObject({
      status: 'SUCCESS',
      data: '00 00 00 00 00 00 00 00',
    });
    // a 90 reply too long for select but not a read layout
    const odd = await run(['idcard', 'decode'], encodeReply(0x90, Buffer.alloc(300)));
    expect(JSON.parse(odd.stdout).frame.data).toContain('(300 bytes)');
  });

  it('says what is wrong with bad input, exit 1', async () => {
    const frame = encodeReply(0x90, encodeReadData(encodeCardText(resident), Buffer.alloc(1024)));
    const short = await run(['idcard', 'decode'], spaced(frame.subarray(0, 600)));
    expect(short).toMatchObject({ code: 1, stderr: expect.stringContaining('FRAME_TRUNCATED') });
    expect((await run(['idcard', 'decode'], 'hello')).stderr).toContain('FRAME_PREAMBLE');
    expect((await run(['idcard', 'decode'], 'AA AA A')).stderr).toContain('odd number of digits');
    const noCard = await run(['idcard', 'decode'], 'AA AA AA 96 69 00 04 00 00 80 84');
    expect(noCard).toMatchObject({ code: 1, stderr: expect.stringContaining('SAM status 80 FIND_FAILED') });
    const text = encodeCardText(resident);
    text.write('Q', 248, 'utf16le');
    const q = await run(['idcard', 'decode'], encodeReply(0x90, encodeReadData(text, Buffer.alloc(1024))));
    expect(q).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("card text (CARD_TYPE): unknown card type 'Q' at offset 248"),
    });
    const missing = await run(['idcard', 'decode', join(dir, 'nope.bin')]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
    expect((await run(['escpos', 'render', file('empty.bin', '')])).stderr).toContain('empty');
  });

  it('checks ID numbers as JSON and in clear on request', async () => {
    const json = await run(['id', 'check', '--json', '--reveal', '11010519490231002X']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      number: '11010519490231002X',
      valid: false,
      code: 'ID_BIRTHDATE',
    });
    const ok = await run(['id', 'check', '--json', ' 11010519491231002X ']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ number: '110105********002X', valid: true, sex: 'female' });
  });

  it('renders ESC/POS as text or items, hex or raw', async () => {
    const ticket = new EscPos().init().align('center').line('邻里').qr('Q1').cut().build();
    const text = await run(['escpos', 'render', '--width', '10'], spaced(ticket));
    expect(text.stdout).toBe('   邻里\n [QR:Q1]\n--- cut ---\n');
    const items = await run(
      ['escpos', 'render', '--items'],
      Buffer.concat([ticket, Buffer.from([0x1b, 0x7a])]),
    );
    const parsed = JSON.parse(items.stdout);
    expect(parsed).toContainEqual({ kind: 'qr', data: 'Q1' });
    expect(parsed).toContainEqual({ kind: 'unknown', bytes: '1b7a' });
    expect((await run(['escpos', 'render', '--raw'], 'cafe')).stdout).toBe('cafe\n');
    expect((await run(['escpos', 'render'], 'cafe')).stdout).not.toBe('cafe\n');
  });
});

describe('linli idcard decode --all (captures)', () => {
  const find = 'AA AA AA 96 69 00 03 20 01 22';
  const found = 'AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97';

  it('decodes commands and replies with garbage between them', async () => {
    const read = encodeReply(0x90, encodeReadData(encodeCardText(resident), Buffer.alloc(1024)));
    const capture = `00 FF ${find} ${found} 11 22 ${spaced(read)}`;
    const r = await run(['idcard', 'decode', '--all'], capture);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ command: { bytes: 10, name: 'findCard', body: '20 01' } });
    expect(out[1].frame).toMatchObject({ status: 'CARD_FOUND' });
    expect(out[2].card).toMatchObject({ name: '王*英', idNumber: '110105********002X' });
    expect(r.stderr).toBe('3 frames, 0 bad frames, 4 bytes skipped\n');
  });

  it('counts bad frames, failure statuses and bad card text, exit 1', async () => {
    const text = encodeCardText(resident);
    text.write('Q', 248, 'utf16le');
    const badCard = encodeReply(0x90, encodeReadData(text, Buffer.alloc(1024)));
    const capture = `${found.slice(0, -2)}98 AA AA AA 96 69 00 04 00 00 80 84 ${spaced(badCard)} AA AA AA 96 69 00 03 00 00 03`;
    const r = await run(['idcard', 'decode', '--all'], capture);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out[0]).toEqual({
      badFrame: { code: 'FRAME_CHECKSUM', message: 'bad checksum: frame has 0x98, computed 0x97' },
    });
    expect(out[1]).toMatchObject({
      problem: 'SAM status 80 FIND_FAILED: find card failed (no card) (寻找证/卡失败)',
    });
    expect(out[2].problem).toContain('card text (CARD_TYPE)');
    expect(out[3]).toMatchObject({ problem: expect.stringContaining('bad reply (REPLY_SHORT)') });
    expect(r.stderr).toContain('3 frames, 1 bad frames');
    expect((await run(['idcard', 'decode', '--all'], 'hello')).code).toBe(1);
  });

  it('handles a command frame and a short reply without --all', async () => {
    const cmd = await run(['idcard', 'decode'], find);
    expect(cmd.code).toBe(0);
    expect(JSON.parse(cmd.stdout)).toEqual({ command: { bytes: 10, name: 'findCard', body: '20 01' } });
    const short = await run(['idcard', 'decode'], 'AA AA AA 96 69 00 03 00 00 03');
    expect(short).toMatchObject({ code: 1, stderr: expect.stringContaining('bad reply (REPLY_SHORT)') });
    const two = await run(['idcard', 'decode'], `${found} ${found}`);
    expect(two).toMatchObject({ code: 1, stderr: expect.stringContaining('try --all') });
  });
});
