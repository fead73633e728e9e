// GB18030 text for Chinese receipt printers (most handle only the 1- and 2-byte part).
import iconv from 'iconv-lite';

/** Replacement for characters a printer cannot print (4-byte GB18030, control characters). */
export const REPLACEMENT = '?';

// Whether a BMP character has a 1- or 2-byte GB18030 form, remembered per code point (asking
// iconv one character at a time was most of the cost of rendering a ticket).
const printable = new Map<number, boolean>();
function twoBytes(cp: number, ch: string): boolean {
  let known = printable.get(cp);
  if (known === undefined) {
    known = iconv.encode(ch, 'gb18030').length === 2;
    printable.set(cp, known);
  }
  return known;
}

/**
 * Encode text as GB18030 with only 1- and 2-byte sequences: characters that need 4 bytes become
 * '?', control characters other than LF and HT are dropped (they would be printer commands).
 */
export function encodeGb18030(s: string): Buffer {
  let safe = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) {
      if (ch === '\n' || ch === '\t') safe += ch;
      continue;
    }
    if (cp < 0x80) {
      safe += ch;
      continue;
    }
    safe += cp > 0xffff || !twoBytes(cp, ch) ? REPLACEMENT : ch;
  }
  return iconv.encode(safe, 'gb18030');
}

/** Decode GB18030 bytes (invalid sequences become U+FFFD). */
export function decodeGb18030(bytes: Buffer): string {
  return iconv.decode(bytes, 'gb18030');
}
