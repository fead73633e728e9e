// What of each bus event may leave the process on the live stream. The card record and the ID
// number never do: a card read is forwarded as its masked name and number only; a scanned code
// (it may be an appointment code) is not forwarded at all.
export function sanitize(type: string, payload: unknown): Record<string, unknown> | null {
  const p = (payload ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'card.read':
      return { maskedName: p.maskedName, maskedId: p.maskedId, expired: p.expired, at: p.at };
    case 'card.placed':
    case 'card.removed':
      return { at: p.at };
    case 'card.error':
      return { code: p.code, zh: p.zh, en: p.en, sw3: p.sw3, at: p.at };
    case 'scan':
      return { source: p.source, symbology: p.symbology, at: p.at };
    case 'device.health':
    case 'print.job':
      return { ...p };
    default:
      if (type.startsWith('ticket.') || type.startsWith('queue.')) return { ...p };
      return null;
  }
}

/** The fields of a ticket a public screen may show: its number, service, window and call. */
const PUBLIC_TICKET_FIELDS = [
  'id',
  'number',
  'serviceId',
  'serviceZh',
  'serviceEn',
  'priority',
  'state',
  'windowId',
  'calledAt',
  'recalls',
] as const;
const PUBLIC_CALL_FIELDS = ['windowId', 'windowName', 'text', 'textEn', 'recalls', 'at'] as const;

function pick(p: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (p[k] !== undefined) out[k] = p[k];
  return out;
}

/**
 * What the public stream (GET /api/stream/public: the display board, a resident's phone) may
 * carry: ticket moves as number, service, window and call text, and the queue's figures. Nothing
 * of the card, the resident, scans, printing, ratings, outcomes or check-ins.
 */
export function publicEvent(type: string, payload: unknown): Record<string, unknown> | null {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (type === 'queue.changed' || type === 'queue.snapshot' || type === 'queue.rollover') return { ...p };
  if (!type.startsWith('ticket.') || type === 'ticket.rated') return null;
  const ticket = p.ticket && typeof p.ticket === 'object' ? (p.ticket as Record<string, unknown>) : {};
  return { ticket: pick(ticket, PUBLIC_TICKET_FIELDS), ...pick(p, PUBLIC_CALL_FIELDS) };
}
