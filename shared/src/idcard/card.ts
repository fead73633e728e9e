// The 256-byte card text block (UCS-2 LE) decoded to typed records.
import { CardTextError } from '../errors.ts';
import { NATIONS } from './nations.ts';

export { NATIONS } from './nations.ts';

export type Sex = 'male' | 'female' | 'unknown' | 'unstated';
export type CardType = 'resident' | 'residence-permit' | 'foreign-permanent';

interface CardBase {
  type: CardType;
  sex: Sex;
  sexCode: string; // '1' | '2' | '0' | '9'
  birthDate: string; // YYYY-MM-DD
  issuer: string;
  validFrom: string; // YYYY-MM-DD
  validTo: string | 'long-term'; // YYYY-MM-DD or 'long-term' (长期)
}
export interface ResidentCard extends CardBase {
  type: 'resident';
  name: string;
  nationCode: string; // '01'..'56', '97', '98'
  nation: string; // 汉, 蒙古, ...
  address: string;
  idNumber: string; // 18 characters — full number: keep in memory only
}
export interface ResidencePermit extends CardBase {
  type: 'residence-permit';
  name: string;
  address: string;
  idNumber: string; // 810000/820000/830000...
  passNumber: string;
  issueCount: number;
}
export interface ForeignPermanentCard extends CardBase {
  type: 'foreign-permanent';
  englishName: string;
  chineseName: string;
  nationality: string; // 3-letter code
  idNumber: string; // card number
  cardVersion: string;
  /** Type letter at offset 248: 'I' the 2017 card (default), 'Y' the 2023 card. */
  typeLetter?: 'I' | 'Y';
}
export type CardRecord = ResidentCard | ResidencePermit | ForeignPermanentCard;

export const CARD_TEXT_LENGTH = 256;
/** Offset of the card-type character (UCS-2, 2 bytes). */
export const CARD_TYPE_OFFSET = 248;

/** A field: byte offset and byte length in the text block. */
type Field = readonly [offset: number, length: number];

// Resident card and residence permit share the first 220 bytes.
const F = {
  name: [0, 30],
  sex: [30, 2],
  nation: [32, 4],
  birth: [36, 16],
  address: [52, 70],
  idNumber: [122, 36],
  issuer: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
  passNumber: [220, 18], // residence permit
  issueCount: [238, 4], // residence permit
  type: [CARD_TYPE_OFFSET, 2],
} as const satisfies Record<string, Field>;

// Foreign permanent resident card (2017 'I'; the 2023 'Y' card is read with the same positions).
const FP = {
  englishName: [0, 120],
  sex: [120, 2],
  cardNumber: [122, 30],
  nationality: [152, 6],
  chineseName: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
  birth: [220, 16],
  cardVersion: [236, 4],
  authority: [240, 8],
  type: [CARD_TYPE_OFFSET, 2],
} as const satisfies Record<string, Field>;

const SEXES: Readonly<Record<string, Sex>> = { '1': 'male', '2': 'female', '0': 'unknown', '9': 'unstated' };
const SEX_CODES: Readonly<Record<Sex, string>> = { male: '1', female: '2', unknown: '0', unstated: '9' };
const LONG_TERM = '长期';

function textError(message: string): CardTextError {
  return new CardTextError('CARD_TEXT', message);
}

const isPad = (c: string): boolean => c === '\0' || c === '\u3000' || c.trim() === '';

/** A field's text without the padding (spaces, ideographic spaces, NULs) at either end. */
function readField(text: Buffer, [offset, length]: Field): string {
  const s = text.subarray(offset, offset + length).toString('utf16le');
  let start = 0;
  let end = s.length;
  while (start < end && isPad(s[start]!)) start++;
  while (end > start && isPad(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function readDate(text: Buffer, field: Field, what: string): string {
  const raw = readField(text, field);
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw textError(`${what} ${JSON.stringify(raw)} is not a date YYYYMMDD`);
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function readValidTo(text: Buffer, field: Field): string {
  const raw = readField(text, field);
  if (raw.startsWith(LONG_TERM)) return 'long-term';
  return readDate(text, field, 'valid-to date');
}

function readSex(text: Buffer, field: Field): { sex: Sex; sexCode: string } {
  const sexCode = readField(text, field);
  const sex = SEXES[sexCode];
  if (!sex) throw textError(`sex code ${JSON.stringify(sexCode)} is not 0, 1, 2 or 9`);
  return { sex, sexCode };
}

function typeOf(text: Buffer): CardType | 'Y' {
  const code = text.readUInt16LE(CARD_TYPE_OFFSET);
  if (code === 0x20 || code === 0) return 'resident';
  if (code === 0x4a /* J */) return 'residence-permit';
  if (code === 0x49 /* I */) return 'foreign-permanent';
  if (code === 0x59 /* Y */) return 'Y';
  const shown = code >= 0x21 && code < 0x7f ? `'${String.fromCharCode(code)}'` : `U+${code.toString(16)}`;
  throw new CardTextError('CARD_TYPE', `unknown card type ${shown} at offset ${CARD_TYPE_OFFSET}`);
}

/** Decode the 256-byte text block. Throws CardTextError('CARD_TYPE') for an unknown type byte. */
export function decodeCardText(text: Buffer): CardRecord {
  if (text.length !== CARD_TEXT_LENGTH) {
    throw textError(`card text is ${text.length} bytes, expected ${CARD_TEXT_LENGTH}`);
  }
  const kind = typeOf(text);
  if (kind === 'foreign-permanent' || kind === 'Y') {
    return {
      type: 'foreign-permanent',
      englishName: readField(text, FP.englishName),
      ...readSex(text, FP.sex),
      idNumber: readField(text, FP.cardNumber),
      nationality: readField(text, FP.nationality),
      chineseName: readField(text, FP.chineseName),
      validFrom: readDate(text, FP.validFrom, 'valid-from date'),
      validTo: readValidTo(text, FP.validTo),
      birthDate: readDate(text, FP.birth, 'birth date'),
      cardVersion: readField(text, FP.cardVersion),
      issuer: readField(text, FP.authority),
      typeLetter: kind === 'Y' ? 'Y' : 'I',
    };
  }
  const common = {
    name: readField(text, F.name),
    ...readSex(text, F.sex),
    birthDate: readDate(text, F.birth, 'birth date'),
    address: readField(text, F.address),
    idNumber: readField(text, F.idNumber),
    issuer: readField(text, F.issuer),
    validFrom: readDate(text, F.validFrom, 'valid-from date'),
    validTo: readValidTo(text, F.validTo),
  };
  if (kind === 'residence-permit') {
    const count = readField(text, F.issueCount);
    if (!/^\d{1,2}$/.test(count)) throw textError(`issue count ${JSON.stringify(count)} is not a number`);
    return {
      type: 'residence-permit',
      ...common,
      passNumber: readField(text, F.passNumber),
      issueCount: Number(count),
    };
  }
  const nationCode = readField(text, F.nation);
  const nation = NATIONS[nationCode];
  if (!nation) throw textError(`nation code ${JSON.stringify(nationCode)} is not a known code`);
  return { type: 'resident', ...common, nationCode, nation };
}

function writeField(buf: Buffer, [offset, length]: Field, value: string, what: string): void {
  const bytes = Buffer.from(value, 'utf16le');
  if (bytes.length > length) {
    throw textError(`${what} ${JSON.stringify(value)} needs ${bytes.length} bytes, the field has ${length}`);
  }
  bytes.copy(buf, offset);
}

function dateDigits(value: string, what: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  if (!m) throw textError(`${what} ${JSON.stringify(value)} is not YYYY-MM-DD`);
  return `${m[1]}${m[2]}${m[3]}`;
}

function validToText(value: string): string {
  return value === 'long-term' ? LONG_TERM : dateDigits(value, 'valid-to date');
}

/** Encode a record into a 256-byte text block (simulators, tests). */
export function encodeCardText(card: CardRecord): Buffer {
  // padding is UCS-2 spaces, as on real cards
  const buf = Buffer.from('\u0020'.repeat(CARD_TEXT_LENGTH / 2), 'utf16le');
  const sexCode = card.sexCode || SEX_CODES[card.sex];
  if (card.type === 'foreign-permanent') {
    writeField(buf, FP.englishName, card.englishName, 'English name');
    writeField(buf, FP.sex, sexCode, 'sex code');
    writeField(buf, FP.cardNumber, card.idNumber, 'card number');
    writeField(buf, FP.nationality, card.nationality, 'nationality');
    writeField(buf, FP.chineseName, card.chineseName, 'Chinese name');
    writeField(buf, FP.validFrom, dateDigits(card.validFrom, 'valid-from date'), 'valid-from date');
    writeField(buf, FP.validTo, validToText(card.validTo), 'valid-to date');
    writeField(buf, FP.birth, dateDigits(card.birthDate, 'birth date'), 'birth date');
    writeField(buf, FP.cardVersion, card.cardVersion, 'card version');
    writeField(buf, FP.authority, card.issuer, 'authority code');
    writeField(buf, FP.type, card.typeLetter ?? 'I', 'type');
    return buf;
  }
  writeField(buf, F.name, card.name, 'name');
  writeField(buf, F.sex, sexCode, 'sex code');
  writeField(buf, F.birth, dateDigits(card.birthDate, 'birth date'), 'birth date');
  writeField(buf, F.address, card.address, 'address');
  writeField(buf, F.idNumber, card.idNumber, 'ID number');
  writeField(buf, F.issuer, card.issuer, 'issuer');
  writeField(buf, F.validFrom, dateDigits(card.validFrom, 'valid-from date'), 'valid-from date');
  writeField(buf, F.validTo, validToText(card.validTo), 'valid-to date');
  if (card.type === 'residence-permit') {
    writeField(buf, F.passNumber, card.passNumber, 'pass number');
    writeField(buf, F.issueCount, String(card.issueCount).padStart(2, '0'), 'issue count');
    writeField(buf, F.type, 'J', 'type');
  } else {
    writeField(buf, F.nation, card.nationCode, 'nation code');
  }
  return buf;
}

function localDate(on: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${on.getFullYear()}-${p(on.getMonth() + 1)}-${p(on.getDate())}`;
}

/** True when validTo is before `on` (long-term never expires). The last valid day is validTo itself; `on` is read in local time. */
export function isCardExpired(card: CardRecord, on: Date): boolean {
  if (card.validTo === 'long-term') return false;
  return card.validTo < localDate(on);
}
