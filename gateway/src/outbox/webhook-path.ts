// Path 2 (docs/center-link.md): a signed POST per message. A 2xx answer means stored (or
// already stored); its `actions` are the center's pending action requests for this site.
import { signedHeaders } from './sign.ts';

export interface WebhookAnswer {
  stored: boolean;
  duplicate: boolean;
  actions: unknown[];
}

export class WebhookPath {
  constructor(
    private readonly o: { url: string; key: string; site: string; timeoutMs: number; now: () => number },
  ) {}

  async post(body: string, idempotencyKey: string): Promise<WebhookAnswer> {
    const res = await fetch(this.o.url, {
      method: 'POST',
      headers: signedHeaders(this.o.site, this.o.key, body, idempotencyKey, this.o.now()),
      body,
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} ${text.slice(0, 100)}`);
    let a: Partial<WebhookAnswer> = {};
    try {
      a = text ? (JSON.parse(text) as Partial<WebhookAnswer>) : {};
    } catch {
      throw new Error(`HTTP ${res.status} with a body that is not JSON`);
    }
    return {
      stored: a.stored !== false,
      duplicate: a.duplicate === true,
      actions: Array.isArray(a.actions) ? a.actions : [],
    };
  }
}

/** The idempotency key of a station message (docs/center-link.md). */
export function idempotencyKey(
  site: string,
  m: { kind: string; alertId?: string; rev?: number | null; actionId?: string | null; at?: number },
): string {
  if (m.kind === 'alert') return `${site}:${m.alertId}:${m.rev}`;
  if (m.kind === 'action-result') return `${site}:action:${m.actionId}`;
  return `${site}:supervision:${m.at}`;
}
