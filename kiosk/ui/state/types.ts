// What the resident kiosk shows: one screen at a time, each with only what it needs. Everything
// personal (the masked name, the ticket, its follow token) lives in the screen and goes with it.
import type { Issued, Service } from '../api.ts';

export type ProblemKind =
  | 'cardUnreadable'
  | 'cardExpired'
  | 'cardUnknown'
  | 'readerBroken'
  | 'printerBroken'
  | 'serviceClosed'
  | 'full'
  | 'scanUnknown'
  | 'scanWrongDay'
  | 'network'
  | 'generic';

export type PrintState = 'printing' | 'printed' | 'photo';

export type Screen =
  | { name: 'home' }
  | { name: 'greet'; maskedName: string; priority: boolean; foreign: boolean }
  | { name: 'needCard'; service: Service }
  | { name: 'ticket'; issued: Issued; print: PrintState; appointment: boolean }
  | { name: 'problem'; kind: ProblemKind; service?: Service; hours?: string; cardCue?: boolean }
  | { name: 'scan'; purpose: 'appointment' | 'rate' }
  | { name: 'rate'; token: string; number: string; canRate: boolean; rated: boolean };

export interface Prefs {
  lang: string;
  contrast: boolean;
  larger: boolean;
  sound: boolean;
}

export const DEFAULT_PREFS: Prefs = { lang: 'zh-CN', contrast: false, larger: false, sound: true };
