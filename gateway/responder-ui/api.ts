// The page's two calls, with the link's token as the credential (never in a URL the browser sends).
export interface ResponderView {
  alert: { type: string; state: string; raisedAt: number };
  resident: { name: string; building: string | null; unit: string | null; room: string | null };
  notes: string | null;
  you: { name: string; going: boolean; there: boolean };
  othersGoing: number;
  now: number;
}

export type Action = 'going' | 'there' | 'ambulance' | 'false-alarm';

export class ApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

async function call(
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<ResponderView> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('network');
  }
  const json = (await res.json().catch(() => null)) as (ResponderView & { error?: { code: string } }) | null;
  if (!res.ok) throw new ApiError(json?.error?.code ?? 'generic');
  return json!;
}

export const load = (token: string) => call(token, 'GET', '/api/responder/alert');
export const act = (token: string, action: Action) =>
  call(token, 'POST', '/api/responder/action', { action });
