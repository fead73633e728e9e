// linli idcard decode [FILE|-] [--reveal] [--all]
import { parseArgs } from 'node:util';
import type { LinliError } from '../errors.ts';
import { checkIdNumber, maskIdNumber, maskName } from '../id/idnumber.ts';
import { type CardRecord, decodeCardText, isCardExpired } from '../idcard/card.ts';
import { identifyCommand } from '../idcard/commands.ts';
import { decodeFrame, hex } from '../idcard/frame.ts';
import { SamFrameParser } from '../idcard/parser.ts';
import { decodeReadData, decodeReply, type ReadReplyData, type SamReply } from '../idcard/reply.ts';
import { type Io, readInput, UsageError } from './io.ts';

export const IDCARD_HELP = `Usage: linli idcard decode [FILE|-] [--reveal] [--all]

Decode one ID-card reader (SAM) reply frame and print it as JSON.
FILE holds the frame as raw bytes or as hex text (with or without spaces);
without FILE, or with -, the frame is read from stdin.

A read reply (SW3 90 with text and photo) prints the card record: names and
the ID number are masked unless --reveal is given. The photo is never decoded.
Other replies print their status; a command frame prints its name. A bad frame,
a failure status or card text that cannot be decoded prints what is wrong and
exits 1.

With --all the input is a capture (commands, replies and garbage, e.g. a serial
log): every frame is decoded and printed as a JSON array, bad frames and
skipped bytes are counted on stderr, and the exit code is 1 if anything was bad.

Options:
  --reveal   print names and the ID number in clear
  --raw      take the input as raw bytes even if it looks like hex text
  --all      decode every frame in a capture
  -h, --help show this help

Examples:
  echo "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97" | linli idcard decode
  linli idcard decode --all serial-capture.bin
`;

function masked(card: CardRecord): CardRecord {
  if (card.type === 'foreign-permanent') {
    return {
      ...card,
      englishName: maskName(card.englishName),
      chineseName: maskName(card.chineseName),
      idNumber: maskIdNumber(card.idNumber),
    };
  }
  return { ...card, name: maskName(card.name), idNumber: maskIdNumber(card.idNumber) };
}

function splitRead(data: Buffer): ReadReplyData | undefined {
  for (const withFingerprint of [false, true]) {
    try {
      return decodeReadData(data, withFingerprint);
    } catch {
      // try the other layout
    }
  }
  return undefined;
}

interface Described {
  /** The JSON to print for this frame. */
  json: Record<string, unknown>;
  /** What is wrong, when the frame is a failure (status or card text). */
  problem?: string;
}

/** Describe one frame body: a command, a status reply, or a read reply with its card. */
function describeBody(body: Buffer, bytes: number, reveal: boolean): Described {
  const command = identifyCommand(body);
  if (command) return { json: { command: { bytes, name: command, body: hex(body) } } };
  let reply: SamReply;
  try {
    reply = decodeReply(body);
  } catch (err) {
    const e = err as LinliError;
    return { json: { frame: { bytes, body: hex(body) } }, problem: `bad reply (${e.code}): ${e.message}` };
  }
  const frame = {
    bytes,
    sw3: reply.sw3.toString(16).toUpperCase().padStart(2, '0'),
    status: reply.status.name,
    message: `${reply.status.en} (${reply.status.zh})`,
  };
  if (!reply.status.ok) {
    return { json: { frame }, problem: `SAM status ${frame.sw3} ${frame.status}: ${frame.message}` };
  }
  const read = reply.sw3 === 0x90 && reply.data.length > 256 ? splitRead(reply.data) : undefined;
  if (!read) return { json: { frame: { ...frame, data: hex(reply.data, 64) } } };
  const withLengths = {
    ...frame,
    textLength: read.text.length,
    photoLength: read.photoLength,
    ...(read.fingerprint ? { fingerprintLength: read.fingerprint.length } : {}),
  };
  let card: CardRecord;
  try {
    card = decodeCardText(read.text);
  } catch (err) {
    const e = err as LinliError;
    return { json: { frame: withLengths }, problem: `card text (${e.code}): ${e.message}` };
  }
  const check = checkIdNumber(card.idNumber);
  return {
    json: {
      frame: withLengths,
      card: reveal ? card : masked(card),
      idNumber: check.valid ? { valid: true } : { valid: false, code: check.code, reason: check.reason },
      expired: isCardExpired(card, new Date()),
    },
  };
}

/** --all: every frame in a capture (commands and replies, with garbage between them). */
async function decodeAll(bytes: Buffer, reveal: boolean, io: Io): Promise<number> {
  const parser = new SamFrameParser();
  const out: Record<string, unknown>[] = [];
  let problems = 0;
  const frames = parser.toArray();
  parser.on('bad-frame', (err: LinliError) => {
    problems++;
    out.push({ badFrame: { code: err.code, message: err.message } });
  });
  parser.on('data', (body: Buffer) => {
    const d = describeBody(body, body.length + 8, reveal);
    if (d.problem) problems++;
    out.push(d.problem ? { ...d.json, problem: d.problem } : d.json);
  });
  parser.end(bytes);
  await frames;
  io.out(JSON.stringify(out, null, 2));
  io.err(`${parser.frames} frames, ${parser.badFrames} bad frames, ${parser.skippedBytes} bytes skipped`);
  return problems > 0 || parser.frames === 0 ? 1 : 0;
}

export async function idcardCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    io.out(IDCARD_HELP);
    return 0;
  }
  if (sub !== 'decode')
    throw new UsageError(sub ? `unknown idcard command: ${sub}` : 'missing idcard command');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      reveal: { type: 'boolean' },
      raw: { type: 'boolean' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(IDCARD_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give at most one FILE');
  const bytes = await readInput(positionals[0], io, { raw: values.raw ?? false });
  const reveal = values.reveal ?? false;
  if (values.all) return decodeAll(bytes, reveal, io);

  let body: Buffer;
  try {
    body = decodeFrame(bytes);
  } catch (err) {
    const e = err as LinliError;
    io.err(`bad frame (${e.code}): ${e.message}`);
    io.err(`input: ${bytes.length} bytes: ${hex(bytes, 16)}`);
    if (e.code === 'FRAME_TRAILING') io.err('several frames? try --all');
    return 1;
  }
  const d = describeBody(body, bytes.length, reveal);
  if (d.problem) {
    io.err(d.problem);
    return 1;
  }
  io.out(JSON.stringify(d.json, null, 2));
  return 0;
}
