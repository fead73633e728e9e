// ESC/POS byte stream → structured items (for the printer simulator and `linli escpos render`).
export type EscPosItem =
  | {
      kind: 'text';
      text: string;
      bold: boolean;
      align: 'left' | 'center' | 'right';
      width: number;
      height: number;
    }
  | { kind: 'newline' }
  | { kind: 'qr'; data: string }
  | { kind: 'cut'; mode: 'full' | 'partial' }
  | { kind: 'status-query'; n: number }
  | { kind: 'init' }
  | { kind: 'unknown'; bytes: Buffer };

/** Decode a whole byte buffer. Never throws on unknown commands: they become 'unknown' items. */
export declare function decodeEscPos(bytes: Buffer): EscPosItem[];
/** Readable text: GB18030 decoded, `[QR:…]` for QR codes, `--- cut ---` for cuts. */
export declare function renderEscPos(bytes: Buffer): string;
