// linli idcard decode [FILE|-] [--reveal]
import { parseArgs } from 'node:util';
import { LinliError } from '../errors.ts';
import { checkIdNumber, maskIdNumber, maskName } from '../id/idnumber.ts';
import { type CardRecord, decodeCardText, isCardExpired } from '../idcard/card.ts';
import { decodeFrame, hex } from '../idcard/frame.ts';
import { decodeReadData, decodeReply, type ReadReplyData } from '../idcard/reply.ts';
import { InputError, type Io, readInput, UsageError } from './io.ts';

export const IDCARD_HELP = `Usage: linli idcard decode [FILE|-] [--reveal]

Decode one ID-card reader (SAM) reply frame and print it as JSON.
FILE holds the frame as raw bytes or as hex text (with or without spaces);
without FILE, or with -, the frame is read from stdin.

A read reply (SW3 90 with text and photo) prints the card record: names and
the ID number are masked unless --reveal is given. The photo is never decoded.
Other replies print their status. A bad frame, a failure status or card text
that cannot be decoded prints what is wrong and exits 1.

Options:
  --reveal   print names and the ID number in clear
  --raw      take the input as raw bytes even if it looks like hex text
  -h, --help show this help

Example:
  echo "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97" | linli idcard decode
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
    options: { reveal: { type: 'boolean' }, raw: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(IDCARD_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give at most one FILE');
  const bytes = await readInput(positionals[0], io, { raw: values.raw ?? false });

  let body: Buffer;
  try {
    body = decodeFrame(bytes);
  } catch (err) {
    const e = err as LinliError;
    io.err(`bad frame (${e.code}): ${e.message}`);
    io.err(`input: ${bytes.length} bytes: ${hex(bytes, 16)}`);
    return 1;
  }
  const reply = decodeReply(body);
  const frame = {
    bytes: bytes.length,
    sw3: reply.sw3.toString(16).toUpperCase().padStart(2, '0'),
    status: reply.status.name,
    message: `${reply.status.en} (${reply.status.zh})`,
  };
  if (!reply.status.ok) {
    io.err(`SAM status ${frame.sw3} ${frame.status}: ${frame.message}`);
    return 1;
  }
  const read = reply.sw3 === 0x90 && reply.data.length > 256 ? splitRead(reply.data) : undefined;
  if (!read) {
    io.out(JSON.stringify({ frame: { ...frame, data: hex(reply.data, 64) } }, null, 2));
    return 0;
  }
  let card: CardRecord;
  try {
    card = decodeCardText(read.text);
  } catch (err) {
    if (err instanceof LinliError) throw new InputError(`card text (${err.code}): ${err.message}`);
    throw err;
  }
  const check = checkIdNumber(card.idNumber);
  const out = {
    frame: {
      ...frame,
      textLength: read.text.length,
      photoLength: read.photoLength,
      ...(read.fingerprint ? { fingerprintLength: read.fingerprint.length } : {}),
    },
    card: values.reveal ? card : masked(card),
    idNumber: check.valid ? { valid: true } : { valid: false, code: check.code, reason: check.reason },
    expired: isCardExpired(card, new Date()),
  };
  io.out(JSON.stringify(out, null, 2));
  return 0;
}
