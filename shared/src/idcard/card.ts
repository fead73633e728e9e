// The 256-byte card text block (UCS-2 LE) decoded to typed records.
export type Sex = 'male' | 'female' | 'unknown' | 'unstated';
export type CardType = 'resident' | 'residence-permit' | 'foreign-permanent';

interface CardBase {
  type: CardType;
  sex: Sex;
  sexCode: string; // '1' | '2' | '0' | '9'
  birthDate: string; // YYYY-MM-DD
  issuer: string;
  validFrom: string; // YYYY-MM-DD
  validTo: string | 'long-term'; // YYYY-MM-DD or 'long-term' (长期)
}
export interface ResidentCard extends CardBase {
  type: 'resident';
  name: string;
  nationCode: string; // '01'..'56', '97', '98'
  nation: string; // 汉, 蒙古, ...
  address: string;
  idNumber: string; // 18 characters — full number: keep in memory only
}
export interface ResidencePermit extends CardBase {
  type: 'residence-permit';
  name: string;
  address: string;
  idNumber: string; // 810000/820000/830000...
  passNumber: string;
  issueCount: number;
}
export interface ForeignPermanentCard extends CardBase {
  type: 'foreign-permanent';
  englishName: string;
  chineseName: string;
  nationality: string; // 3-letter code
  idNumber: string; // card number
  cardVersion: string;
}
export type CardRecord = ResidentCard | ResidencePermit | ForeignPermanentCard;

/** Decode the 256-byte text block. Throws CardTextError('CARD_TYPE') for an unknown type byte. */
export declare function decodeCardText(text: Buffer): CardRecord;
/** Encode a record into a 256-byte text block (simulators, tests). */
export declare function encodeCardText(card: CardRecord): Buffer;
/** True when validTo is before `on` (long-term never expires). */
export declare function isCardExpired(card: CardRecord, on: Date): boolean;
/** Nation names by code (56 nationalities, 97 其他, 98 外国血统中国籍人士). */
export declare const NATIONS: Readonly<Record<string, string>>;
