// GB 11643-1999 ID numbers, and the privacy helpers: masking and keyed hashes.
import { createHmac } from 'node:crypto';
import { IdNumberError } from '../errors.ts';

export type IdCheck =
  | { valid: true; region: string; birthDate: string; sex: 'male' | 'female' }
  | { valid: false; code: string; reason: string }; // code as IdNumberError codes, reason in English

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** Province-level codes of GB/T 2260, plus 81 82 83 (Hong Kong, Macau, Taiwan residence permits). */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);
/** Residence permits carry a whole-region code: 810000, 820000, 830000. */
const PERMIT_PROVINCES = new Set(['81', '82', '83']);
const EARLIEST_BIRTH_YEAR = 1850;

/** Check character for the first 17 digits ('0'..'9' or 'X'). Throws IdNumberError('ID_CHARS') for anything but 17 digits. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new IdNumberError('ID_CHARS', 'the first 17 characters must be digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function ymd(on: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${on.getFullYear()}${p(on.getMonth() + 1)}${p(on.getDate())}`;
}

const fail = (code: string, reason: string): IdCheck => ({ valid: false, code, reason });

/**
 * Validate length, characters, region shape, a real calendar birth date (not after `today`,
 * not before 1850), and the check character. A lower-case `x` is accepted as `X`.
 */
export function checkIdNumber(id: string, opts: { today?: Date } = {}): IdCheck {
  if (typeof id !== 'string') return fail('ID_CHARS', 'not a string');
  const chars = [...id];
  if (chars.length !== 18) return fail('ID_LENGTH', `has ${chars.length} characters, needs 18`);
  const n = id.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(n)) {
    const bad = chars.findIndex((c, i) => !(/\d/.test(c) || (i === 17 && /x/i.test(c))));
    return fail(
      'ID_CHARS',
      `character ${bad + 1} (${JSON.stringify(chars[bad])}) is not allowed: 17 digits then a digit or X`,
    );
  }
  const region = n.slice(0, 6);
  // 2023 foreign permanent resident cards: 9 · 2-digit province of acceptance · 3-digit
  // nationality code, then birth date, sequence and check character as GB 11643.
  const foreign = n[0] === '9';
  const province = foreign ? region.slice(1, 3) : region.slice(0, 2);
  if (foreign && (!PROVINCES.has(province) || PERMIT_PROVINCES.has(province)))
    return fail('ID_REGION', `region ${region}: ${province} is not a province of acceptance`);
  if (!foreign && !PROVINCES.has(province))
    return fail('ID_REGION', `region ${region}: ${province} is not a province code`);
  if (PERMIT_PROVINCES.has(province) && region !== `${province}0000`) {
    return fail('ID_REGION', `region ${region}: residence permit regions are ${province}0000`);
  }
  const birth = n.slice(6, 14);
  const y = Number(birth.slice(0, 4));
  const m = Number(birth.slice(4, 6));
  const d = Number(birth.slice(6, 8));
  if (!isCalendarDate(y, m, d)) return fail('ID_BIRTHDATE', `birth date ${birth} is not a calendar date`);
  if (y < EARLIEST_BIRTH_YEAR)
    return fail('ID_BIRTHDATE', `birth date ${birth} is before ${EARLIEST_BIRTH_YEAR}`);
  if (birth > ymd(opts.today ?? new Date()))
    return fail('ID_BIRTHDATE', `birth date ${birth} is in the future`);
  const expected = idCheckChar(n.slice(0, 17));
  if (n[17] !== expected) {
    return fail('ID_CHECKSUM', `check character is ${n[17]}, the first 17 digits need ${expected}`);
  }
  return {
    valid: true,
    region,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    sex: Number(n[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** Throws IdNumberError when invalid. */
export function assertIdNumber(id: string, opts: { today?: Date } = {}): void {
  const r = checkIdNumber(id, opts);
  if (!r.valid) throw new IdNumberError(r.code, `invalid ID number: ${r.reason}`);
}

/** Full years on a date, from a YYYY-MM-DD or YYYYMMDD birth date. `on` is read in local time. Throws RangeError for a bad date. */
export function ageOn(birthDate: string, on: Date): number {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(birthDate);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new RangeError(`birth date ${JSON.stringify(birthDate)} is not YYYY-MM-DD`);
  }
  const by = Number(m[1]);
  const bm = Number(m[2]);
  const bd = Number(m[3]);
  let age = on.getFullYear() - by;
  const month = on.getMonth() + 1;
  if (month < bm || (month === bm && on.getDate() < bd)) age--;
  return age;
}

/** 110101********123X: first 6 and last 4 kept. Any other length: keep first 2 and last 2 (or all '*' if ≤ 4). */
export function maskIdNumber(id: string): string {
  const c = [...id];
  if (c.length === 18) return c.slice(0, 6).join('') + '*'.repeat(8) + c.slice(14).join('');
  if (c.length <= 4) return '*'.repeat(c.length);
  return c.slice(0, 2).join('') + '*'.repeat(c.length - 4) + c.slice(-2).join('');
}

/** Hex HMAC-SHA256 of the upper-cased number under a secret key, for look-ups. Throws TypeError for an empty key. */
export function hmacIdNumber(key: string | Buffer, id: string): string {
  if (key.length === 0) throw new TypeError('hmacIdNumber needs a non-empty secret key');
  return createHmac('sha256', key).update(id.trim().toUpperCase(), 'utf8').digest('hex');
}

/**
 * 张*明, 李*, 欧阳** (4 characters or more keep the first two); names with a middle dot keep
 * their dots: 买**·***. Latin names: first letter + '***'.
 */
export function maskName(name: string): string {
  const c = [...name.trim()];
  if (c.length === 0) return '';
  if (/^[A-Za-z]$/.test(c[0]!)) return `${c[0]}***`;
  if (c.length === 1) return '*';
  const star = (s: string) => (s === '·' || s === '•' ? s : '*');
  if (c.includes('·') || c.includes('•')) return c[0] + c.slice(1).map(star).join('');
  if (c.length === 2) return `${c[0]}*`;
  if (c.length === 3) return `${c[0]}*${c[2]}`;
  return c[0]! + c[1]! + '*'.repeat(c.length - 2);
}
