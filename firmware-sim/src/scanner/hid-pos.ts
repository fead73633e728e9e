// HID POS scanned-data reports (usage page 0x8C, usage 0x02 scanner, report 0x12 scanned data), laid
// out as Honeywell-style scanners send them in HID POS mode: 64-byte input reports.
//   byte 0      report id 0x02
//   byte 1      number of data bytes in this report (0..56)
//   bytes 2–57  decoded data (UTF-8), zero padded
//   bytes 58–60 AIM symbology identifier, e.g. "]Q1" (QR), "]C0" (Code 128), "]E0" (EAN-13)
//   bytes 61–62 reserved (0)
//   byte 63     bit 0 set: more data follows in the next report (long codes)
export const HID_POS_REPORT_ID = 0x02;
export const HID_POS_REPORT_BYTES = 64;
export const HID_POS_DATA_BYTES = 56;

export const AIM_IDS = { qr: ']Q1', code128: ']C0', ean13: ']E0', datamatrix: ']d1', pdf417: ']L0' } as const;
export type Symbology = keyof typeof AIM_IDS;

/** The reports a scanner sends for one scanned code. */
export function encodeHidPosReports(code: string, symbology: Symbology = 'qr'): Buffer[] {
  const data = Buffer.from(code, 'utf8');
  const aim = Buffer.from(AIM_IDS[symbology], 'ascii');
  const reports: Buffer[] = [];
  for (let at = 0; at < data.length || reports.length === 0; at += HID_POS_DATA_BYTES) {
    const part = data.subarray(at, at + HID_POS_DATA_BYTES);
    const r = Buffer.alloc(HID_POS_REPORT_BYTES);
    r[0] = HID_POS_REPORT_ID;
    r[1] = part.length;
    part.copy(r, 2);
    aim.copy(r, 58);
    r[63] = at + HID_POS_DATA_BYTES < data.length ? 1 : 0;
    reports.push(r);
  }
  return reports;
}

/** Reassemble a code from its reports (for tests and as a reference for drivers). */
export function decodeHidPosReports(reports: Buffer[]): { code: string; aim: string } {
  const parts: Buffer[] = [];
  let aim = '';
  for (const r of reports) {
    if (r[0] !== HID_POS_REPORT_ID) continue;
    parts.push(r.subarray(2, 2 + Math.min(HID_POS_DATA_BYTES, r[1] ?? 0)));
    aim = r.subarray(58, 61).toString('ascii');
  }
  return { code: Buffer.concat(parts).toString('utf8'), aim };
}
