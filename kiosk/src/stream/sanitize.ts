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
