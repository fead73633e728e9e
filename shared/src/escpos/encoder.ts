// ESC/POS encoder for Chinese receipt printers. Text is GB18030 inside Chinese mode (FS & / FS .).
export type Align = 'left' | 'center' | 'right';
export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';
export type CutMode = 'full' | 'partial' | 'feed-full' | 'feed-partial';

export declare class EscPos {
  init(): this; // ESC @
  chinese(on: boolean): this; // FS & / FS .
  text(s: string): this; // GB18030 bytes (enters Chinese mode by itself if needed)
  line(s?: string): this; // text + LF
  feed(lines?: number): this;
  align(a: Align): this; // ESC a n
  bold(on: boolean): this; // ESC E n
  size(width: number, height: number): this; // GS ! n, 1..8 each
  qr(data: string, opts?: { size?: number; level?: QrErrorLevel; model?: 1 | 2 }): this;
  cut(mode?: CutMode): this; // GS V
  raw(bytes: Buffer | number[]): this;
  build(): Buffer;
}
/** DLE EOT n: n = 1 printer, 2 offline cause, 4 paper. */
export declare function statusQuery(n: 1 | 2 | 4): Buffer;
