// SW3 status table of the SAM module.
export interface SamStatusInfo {
  sw3: number;
  name: string; // e.g. 'SUCCESS', 'CARD_FOUND', 'FIND_FAILED', 'READ_FAILED'
  zh: string; // human message in Chinese
  en: string; // human message in English
  ok: boolean; // 0x90 and 0x9F are ok
}
/** Every known SW3 code: 90 9F 91 10 11 21 23 24 31 32 33 37 3F 40 41 47 60 66 80 81. */
export declare const SAM_STATUS: ReadonlyMap<number, SamStatusInfo>;
/** Lookup that never throws: unknown codes come back as name 'UNKNOWN_xx', ok false. */
export declare function samStatus(sw3: number): SamStatusInfo;
