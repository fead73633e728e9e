// Card numbers from access readers are never stored or logged in clear: a keyed hash
// (HMAC-SHA-256) lets staff look a card up without the number being kept.
import { createHmac } from 'node:crypto';

export function hashCard(key: string | Buffer, card: string): string {
  return createHmac('sha256', key).update(`card:${card.trim()}`).digest('hex');
}

/** Event types that belong to the access-control log. */
export const ACCESS_TYPES = new Set([
  'door.open',
  'door.close',
  'door.forced',
  'door.held',
  'access.granted',
  'access.denied',
]);
