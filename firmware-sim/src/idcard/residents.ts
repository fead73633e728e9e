// Synthetic residents for the reader: a JSON description → a CardRecord with a valid, computed number.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CardRecord, idCheckChar, NATIONS, type Sex } from '@linli/shared';
import { SimError } from '../errors.ts';

interface ResidentBase {
  key: string;
  label?: string;
  sex: Sex;
  birthDate: string; // YYYY-MM-DD
  /** 6-digit region (residence permits: 810000 / 820000 / 830000; 2023 foreign card: 2-digit province + 0000). */
  region: string;
  /** Sequence digits: 3 for resident cards and permits (odd = male), 2 for 2017 foreign cards, 3 for 2023 ones. */
  sequence: string;
  issuer: string;
  validFrom: string;
  validTo: string; // YYYY-MM-DD or 'long-term'
}
export interface ResidentEntry extends ResidentBase {
  type: 'resident';
  name: string;
  nationCode: string;
  address: string;
}
export interface PermitEntry extends ResidentBase {
  type: 'residence-permit';
  name: string;
  address: string;
  passNumber: string;
  issueCount: number;
}
export interface ForeignEntry extends ResidentBase {
  type: 'foreign-permanent';
  englishName: string;
  chineseName: string;
  nationality: string; // 3 letters
  nationalityNumeric?: string; // 3 digits, for the 2023 (type Y) number
  cardVersion: string;
  typeLetter: 'I' | 'Y';
}
export type ResidentFixture = ResidentEntry | PermitEntry | ForeignEntry;

/** A resident the simulated reader can present. */
export interface SimResident {
  key: string;
  label: string;
  card: CardRecord;
}

export const DEFAULT_RESIDENTS_FILE = fileURLToPath(
  new URL('../../fixtures/residents.json', import.meta.url),
);

const SEX_CODE: Record<Sex, string> = { male: '1', female: '2', unknown: '0', unstated: '9' };

function fail(key: string, message: string): never {
  throw new SimError('SIM_CARD', `resident ${JSON.stringify(key)}: ${message}`);
}

function digits(date: string, key: string, what: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) fail(key, `${what} ${JSON.stringify(date)} is not YYYY-MM-DD`);
  return `${m[1]}${m[2]}${m[3]}`;
}

/** An 18-character number: the 17 digits given and the GB 11643 check character computed. */
function withCheck(first17: string, key: string): string {
  if (!/^\d{17}$/.test(first17))
    fail(key, `first 17 characters ${JSON.stringify(first17)} are not 17 digits`);
  return first17 + idCheckChar(first17);
}

function checkSequenceSex(e: ResidentBase): void {
  const last = Number(e.sequence.at(-1));
  if (e.sex === 'male' && last % 2 !== 1)
    fail(e.key, `sequence ${e.sequence} must end in an odd digit for a man`);
  if (e.sex === 'female' && last % 2 !== 0)
    fail(e.key, `sequence ${e.sequence} must end in an even digit for a woman`);
}

/** Build the card of one fixture entry (computes the ID number and check character). */
export function residentCard(e: ResidentFixture): CardRecord {
  const base = {
    sex: e.sex,
    sexCode: SEX_CODE[e.sex] ?? fail(e.key, `unknown sex ${String(e.sex)}`),
    birthDate: e.birthDate,
    issuer: e.issuer,
    validFrom: e.validFrom,
    validTo: e.validTo,
  };
  const birth = digits(e.birthDate, e.key, 'birthDate');
  digits(e.validFrom, e.key, 'validFrom');
  if (e.validTo !== 'long-term') digits(e.validTo, e.key, 'validTo');
  switch (e.type) {
    case 'resident': {
      if (!NATIONS[e.nationCode]) fail(e.key, `unknown nation code ${e.nationCode}`);
      checkSequenceSex(e);
      const idNumber = withCheck(`${e.region}${birth}${e.sequence}`, e.key);
      return {
        type: 'resident',
        ...base,
        name: e.name,
        nationCode: e.nationCode,
        nation: NATIONS[e.nationCode]!,
        address: e.address,
        idNumber,
      };
    }
    case 'residence-permit': {
      if (!/^8[123]0000$/.test(e.region))
        fail(e.key, `a residence permit region is 810000, 820000 or 830000`);
      checkSequenceSex(e);
      const idNumber = withCheck(`${e.region}${birth}${e.sequence}`, e.key);
      return {
        type: 'residence-permit',
        ...base,
        name: e.name,
        address: e.address,
        idNumber,
        passNumber: e.passNumber,
        issueCount: e.issueCount,
      };
    }
    case 'foreign-permanent': {
      let idNumber: string;
      if (e.typeLetter === 'Y') {
        // 2023 card: '9' + 2-digit province + 3-digit country code + birth date + 3-digit sequence + check.
        const country = e.nationalityNumeric ?? fail(e.key, 'a 2023 card needs nationalityNumeric');
        idNumber = withCheck(`9${e.region.slice(0, 2)}${country}${birth}${e.sequence}`, e.key);
      } else {
        // 2017 card: 3 letters + 12 digits (province, birth date YYMMDD, sequence).
        if (!/^[A-Z]{3}$/.test(e.nationality)) fail(e.key, `nationality ${e.nationality} is not 3 letters`);
        idNumber = `${e.nationality}${e.region.slice(0, 2)}00${birth.slice(2)}${e.sequence.padStart(2, '0')}`;
      }
      return {
        type: 'foreign-permanent',
        ...base,
        englishName: e.englishName,
        chineseName: e.chineseName,
        nationality: e.nationality,
        idNumber,
        cardVersion: e.cardVersion,
        typeLetter: e.typeLetter,
      } as CardRecord;
    }
    default:
      return fail((e as { key: string }).key, `unknown card type ${String((e as { type: unknown }).type)}`);
  }
}

/** Load residents from a fixture file ({residents:[…]} or a bare array). */
export function loadResidents(file: string = DEFAULT_RESIDENTS_FILE): SimResident[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SimError('SIM_CARD', `cannot read residents from ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const list = Array.isArray(raw) ? raw : (raw as { residents?: unknown }).residents;
  if (!Array.isArray(list))
    throw new SimError('SIM_CARD', `${file}: expected {"residents": [...]} or an array`);
  const seen = new Set<string>();
  return list.map((e: ResidentFixture) => {
    if (typeof e?.key !== 'string') throw new SimError('SIM_CARD', `${file}: an entry has no "key"`);
    if (seen.has(e.key)) fail(e.key, 'duplicate key');
    seen.add(e.key);
    return { key: e.key, label: e.label ?? e.key, card: residentCard(e) };
  });
}

/** The shipped residents plus those of an extra file (same key: the extra file wins). */
export function residentCatalog(extraFile?: string): Map<string, SimResident> {
  const map = new Map<string, SimResident>();
  for (const r of loadResidents()) map.set(r.key, r);
  if (extraFile) for (const r of loadResidents(extraFile)) map.set(r.key, r);
  return map;
}
