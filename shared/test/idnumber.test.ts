import { describe, expect, it } from 'vitest';
import { IdNumberError } from '../src/errors.ts';
import {
  ageOn,
  assertIdNumber,
  checkIdNumber,
  hmacIdNumber,
  idCheckChar,
  maskIdNumber,
  maskName,
} from '../src/id/idnumber.ts';
import { randomBytes } from './helpers/bytes.ts';

const today = new Date(2026, 10, 22);

describe('ID numbers (GB 11643-1999)', () => {
  it('accepts the published example and reads region, birth date and sex from it', () => {
    expect(checkIdNumber('11010519491231002X', { today })).toEqual({
      valid: true,
      region: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
    expect(checkIdNumber('11010519491231002x', { today }).valid).toBe(true);
    expect(() => assertIdNumber('11010519491231002X')).not.toThrow();
  });

  it('computes the MOD 11-2 check character, X for 10', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('81000019800501001')).toBe('1');
    expect(() => idCheckChar('1101051949123100')).toThrow(IdNumberError);
    expect(() => idCheckChar('1101051949123100A')).toThrow(/17 characters must be digits/);
  });

  it('accepts residence permit numbers 810000/820000/830000 under the same rule', () => {
    for (const region of ['810000', '820000', '830000']) {
      const first17 = `${region}19800501003`;
      const id = first17 + idCheckChar(first17);
      expect(checkIdNumber(id, { today })).toMatchObject({ valid: true, region, sex: 'male' });
    }
    const odd = '81010119800501003';
    expect(checkIdNumber(odd + idCheckChar(odd), { today })).toMatchObject({
      valid: false,
      code: 'ID_REGION',
    });
  });

  const why = (id: string) => {
    const r = checkIdNumber(id, { today });
    if (r.valid) throw new Error(`${id} passed`);
    return r;
  };

  it('says why a number is invalid', () => {
    expect(why('1101051949123100')).toEqual({
      valid: false,
      code: 'ID_LENGTH',
      reason: 'has 16 characters, needs 18',
    });
    expect(why('')).toMatchObject({ code: 'ID_LENGTH' });
    expect(why('11010519491231002XX')).toMatchObject({ code: 'ID_LENGTH' });
    expect(why('1101051949123100X2')).toMatchObject({
      code: 'ID_CHARS',
      reason: expect.stringContaining('character 17'),
    });
    expect(why('11010519491231002Y')).toMatchObject({ code: 'ID_CHARS' });
    expect(why('1101051949123 002X')).toMatchObject({ code: 'ID_CHARS' });
    expect(why('９１０１０５１９４９１２３１００２X')).toMatchObject({ code: 'ID_CHARS' });
    expect(why('99010519491231002X')).toMatchObject({
      code: 'ID_REGION',
      reason: expect.stringContaining('99'),
    });
    expect(why('00010519491231002X')).toMatchObject({ code: 'ID_REGION' });
    // 2023 foreign permanent resident card numbers: 9 · province of acceptance · nationality · birth date.
    const full = (first17: string) => first17 + idCheckChar(first17);
    expect(checkIdNumber(full('91184019800101023'))).toMatchObject({ valid: true, region: '911840' });
    expect(why(full('98184019800101023'))).toMatchObject({ code: 'ID_REGION' }); // 81: a permit region
    expect(why(full('90084019800101023'))).toMatchObject({ code: 'ID_REGION' }); // 00: no province
    expect(why('110105194902300021')).toMatchObject({
      code: 'ID_BIRTHDATE',
      reason: expect.stringContaining('19490230'),
    });
    expect(why('110105184912310021')).toMatchObject({
      code: 'ID_BIRTHDATE',
      reason: expect.stringContaining('before 1850'),
    });
    expect(why('110105203012310021')).toMatchObject({
      code: 'ID_BIRTHDATE',
      reason: expect.stringContaining('future'),
    });
    expect(why('110105194912310021')).toEqual({
      valid: false,
      code: 'ID_CHECKSUM',
      reason: 'check character is 1, the first 17 digits need X',
    });
    expect(why(42 as unknown as string)).toMatchObject({ code: 'ID_CHARS' });
  });

  it('accepts 29 February only in leap years', () => {
    const leap = '11010520000229001';
    expect(checkIdNumber(leap + idCheckChar(leap), { today }).valid).toBe(true);
    const notLeap = '11010519000229001';
    expect(why(notLeap + idCheckChar(notLeap)).code).toBe('ID_BIRTHDATE');
  });

  it('throws IdNumberError with the code from assertIdNumber', () => {
    try {
      assertIdNumber('110105194912310021');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IdNumberError);
      expect((e as IdNumberError).code).toBe('ID_CHECKSUM');
      expect((e as Error).message).toMatch(/^invalid ID number: check character/);
    }
  });

  it('never throws on random strings, and random digits mostly fail', () => {
    let valid = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const b = randomBytes(18, seed);
      const digits = [...b].map((x) => String(x % 10)).join('');
      const text = b.toString('latin1');
      expect(() => checkIdNumber(text)).not.toThrow();
      if (checkIdNumber(digits).valid) valid++;
    }
    expect(valid).toBeLessThan(100);
  });
});

describe('age and privacy helpers', () => {
  it('computes full years, turning a year older on the birthday', () => {
    expect(ageOn('1949-12-31', new Date(2026, 11, 30))).toBe(76);
    expect(ageOn('1949-12-31', new Date(2026, 11, 31))).toBe(77);
    expect(ageOn('19491231', new Date(2027, 0, 1))).toBe(77);
    expect(ageOn('2000-02-29', new Date(2026, 1, 28))).toBe(25);
    expect(ageOn('2000-02-29', new Date(2026, 2, 1))).toBe(26);
    expect(() => ageOn('1949-13-01', today)).toThrow(RangeError);
    expect(() => ageOn('yesterday', today)).toThrow(/not YYYY-MM-DD/);
  });

  it('masks ID numbers', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('USA110079010105')).toBe('US***********05');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskIdNumber('')).toBe('');
  });

  it('hashes ID numbers under a key, case-insensitively, never in clear', () => {
    const h = hmacIdNumber('secret', '11010519491231002X');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hmacIdNumber('secret', '11010519491231002x')).toBe(h);
    expect(hmacIdNumber(Buffer.from('secret'), ' 11010519491231002X ')).toBe(h);
    expect(hmacIdNumber('other', '11010519491231002X')).not.toBe(h);
    expect(h).not.toContain('110105');
    expect(() => hmacIdNumber('', '11010519491231002X')).toThrow(TypeError);
  });

  it('masks names', () => {
    expect(maskName('张三明')).toBe('张*明');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
    expect(maskName('  张三明 ')).toBe('张*明');
    expect(maskName('买买提·艾力')).toBe('买**·**');
    expect(maskName('SMITH, JOHN')).toBe('S***');
    expect(maskName('john')).toBe('j***');
    expect(maskName('𠀀𠀁𠀂')).toBe('𠀀*𠀂');
  });
});
