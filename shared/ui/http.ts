// The one HTTP client of every screen: a JSON request to the screen's own service (same origin,
// the session cookie), never served from the browser's cache. A refusal throws ApiError with the
// service's own error object ({ error: { code, message?, zh?, en?, details? } }, as the gateway
// and the kiosk answer); no answer at all throws ApiError with status 0 and code NETWORK. The
// screens put the words on it from their catalogues.

/** The error object of a refusal, as the services send it. */
export interface ErrorBody {
  code?: string;
  message?: string;
  /** The kiosk's sentence in Chinese and in English */
  zh?: string;
  en?: string;
  details?: unknown;
}

export class ApiError extends Error {
  /** No answer: the service is down, restarting or the network is gone. */
  static readonly NETWORK = 'NETWORK';
  readonly zh?: string;
  readonly en?: string;
  readonly details?: unknown;
  constructor(
    /** The HTTP status; 0 when there was no answer */
    readonly status: number,
    /** The service's error code, or HTTP_<status> when the answer had none */
    readonly code: string,
    body: ErrorBody = {},
    /** The answer's status text, the message when the body has none */
    statusText = '',
  ) {
    super(body.en ?? body.message ?? (statusText || code));
    if (body.zh !== undefined) this.zh = body.zh;
    if (body.en !== undefined) this.en = body.en;
    if (body.details !== undefined) this.details = body.details;
  }
  /** True when the service did not answer (as opposed to refused). */
  get network(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  /** Extra headers, e.g. a bearer token */
  headers?: Record<string, string>;
  /** e.g. 'no-referrer' for a page whose URL holds a credential */
  referrerPolicy?: 'no-referrer' | 'same-origin' | 'strict-origin';
}

/** The browser's RequestInit (this file is also type-checked against Node's, without `cache`). */
type BrowserInit = RequestInit & { cache?: 'no-store'; referrerPolicy?: RequestOptions['referrerPolicy'] };

/**
 * Sends `body` as JSON (when given) and returns the parsed answer; a 204 gives `undefined`.
 * Throws ApiError on a refusal (any status outside 200–299) or when nothing answered.
 */
export async function request<R>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<R> {
  let res: Response;
  try {
    const init: BrowserInit = {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: {
        ...options.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(options.referrerPolicy ? { referrerPolicy: options.referrerPolicy } : {}),
    };
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, ApiError.NETWORK, { message: err instanceof Error ? err.message : String(err) });
  }
  if (res.status === 204) return undefined as R;
  const json = (await res.json().catch(() => ({}))) as { error?: ErrorBody };
  if (!res.ok) {
    const error = json.error ?? {};
    throw new ApiError(res.status, error.code ?? `HTTP_${res.status}`, error, res.statusText);
  }
  return json as R;
}

/** A query string of the values that are set (empty strings and undefined are left out). */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}
