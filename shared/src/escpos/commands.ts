// ESC/POS command bytes shared by the encoder and the decoder.
export const LF = 0x0a;
export const CR = 0x0d;
export const HT = 0x09;
export const ESC = 0x1b;
export const FS = 0x1c;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;

/** QR functions of GS ( k (cn = 0x31). */
export const QR = {
  cn: 0x31,
  model: 0x41,
  size: 0x43,
  level: 0x45,
  store: 0x50,
  print: 0x51,
} as const;

/** Largest QR payload in bytes (version 40, level L, byte mode). */
export const MAX_QR_BYTES = 2953;
