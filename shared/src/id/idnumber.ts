// GB 11643-1999 ID numbers, and the privacy helpers: masking and keyed hashes.
export type IdCheck =
  | { valid: true; region: string; birthDate: string; sex: 'male' | 'female' }
  | { valid: false; code: string; reason: string }; // code as IdNumberError codes, reason in English

/** Check character for the first 17 digits ('0'..'9' or 'X'). */
export declare function idCheckChar(first17: string): string;
/** Validate length, characters, region shape, a real calendar birth date, and the check character. */
export declare function checkIdNumber(id: string): IdCheck;
/** Throws IdNumberError when invalid. */
export declare function assertIdNumber(id: string): void;
/** Full years on a date, from a YYYY-MM-DD or YYYYMMDD birth date. */
export declare function ageOn(birthDate: string, on: Date): number;
/** 110101********123X: first 6 and last 4 kept. Any other length: keep first 2 and last 2 (or all '*' if ≤ 4). */
export declare function maskIdNumber(id: string): string;
/** Hex HMAC-SHA256 of the upper-cased number under a secret key, for look-ups. */
export declare function hmacIdNumber(key: string | Buffer, id: string): string;
/** 张*明, 李*, 欧阳**; Latin names: first letter + '***'. */
export declare function maskName(name: string): string;
