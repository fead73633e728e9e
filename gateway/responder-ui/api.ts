// The page's two calls, with the link's token as the credential (never in a URL the browser sends).
import { type RequestOptions, request } from '@linli/shared/ui/http.ts';

export interface ResponderView {
  alert: { type: string; state: string; raisedAt: number };
  resident: { name: string; building: string | null; unit: string | null; room: string | null };
  notes: string | null;
  you: { name: string; going: boolean; there: boolean };
  othersGoing: number;
  now: number;
}

export type Action = 'going' | 'there' | 'ambulance' | 'false-alarm';

export { ApiError } from '@linli/shared/ui/http.ts';

/** The link's token goes in a header; the page sends no referrer. */
const asResponder = (token: string): RequestOptions => ({
  headers: { authorization: `Bearer ${token}` },
  referrerPolicy: 'no-referrer',
});

export const load = (token: string) =>
  request<ResponderView>('GET', '/api/responder/alert', undefined, asResponder(token));
export const act = (token: string, action: Action) =>
  request<ResponderView>('POST', '/api/responder/action', { action }, asResponder(token));
