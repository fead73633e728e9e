// RFC 4180 CSV: records separated by CRLF (LF and a lone CR accepted), fields optionally in
// double quotes, "" for a quote inside quotes, newlines allowed inside quotes. A UTF-8 BOM is
// skipped. Errors name the line.

export interface CsvRecord {
  /** 1-based line of the record's first character (the header is line 1). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(start, 'unterminated quoted field');
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
          field += c;
          i++;
        }
        const next = text[i];
        if (i < n && next !== ',' && next !== '\r' && next !== '\n') {
          throw new CsvSyntaxError(line, 'characters after a closing quote');
        }
      } else {
        const s = i;
        while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') throw new CsvSyntaxError(line, 'quote inside an unquoted field');
          i++;
        }
        field = text.slice(s, i);
      }
      fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      // end of record
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    // skip blank lines (a record with one empty field)
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
  }
  return out;
}
