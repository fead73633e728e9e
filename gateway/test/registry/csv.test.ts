import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../src/registry/csv.ts';

const fields = (t: string) => parseCsv(t).map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits records on CRLF, LF or CR and keeps empty fields', () => {
    expect(fields('a,b,c\r\n1,,3\n4,5,\r6,7,8')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['4', '5', ''],
      ['6', '7', '8'],
    ]);
  });
  it('handles quotes, doubled quotes, commas and newlines inside quotes, and a BOM', () => {
    const r = parseCsv('\uFEFFname,note\r\n"张, 三","say ""hi""\r\nbye"\r\nx,""\r\n');
    expect(r.map((x) => x.fields)).toEqual([
      ['name', 'note'],
      ['张, 三', 'say "hi"\r\nbye'],
      ['x', ''],
    ]);
    expect(r.map((x) => x.line)).toEqual([1, 2, 4]);
  });
  it('skips blank lines but counts them', () => {
    const r = parseCsv('a\n\nb\n');
    expect(r.map((x) => [x.line, x.fields[0]])).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
  });
  it('refuses malformed quoting with the line', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"open')).toThrow(/line 2: unterminated/);
    expect(() => parseCsv('a\n"x"y')).toThrow(/line 2: characters after a closing quote/);
    expect(() => parseCsv('a\nx"y')).toThrow(/line 2: quote inside an unquoted field/);
  });
  it('parses an empty text as no records', () => {
    expect(parseCsv('')).toEqual([]);
  });
});
