// What the kiosk accepts as a staff password. Hashing is @linli/shared/service (scrypt.ts).

/** A password good enough for a staff account: 8..128 characters, not all one kind. */
export function passwordProblem(pw: string): string | null {
  if (pw.length < 8) return 'at least 8 characters';
  if (pw.length > 128) return 'at most 128 characters';
  if (/^\d+$/.test(pw) || /^[a-zA-Z]+$/.test(pw)) return 'mix letters with digits or symbols';
  return null;
}
