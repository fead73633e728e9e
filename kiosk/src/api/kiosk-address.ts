// Who may use the kiosk's own routes (the card at the reader, issuing, the full live stream):
// the kiosk's own screen, by address (config kioskAddresses, '*' = anyone), and — where a route
// says so — a signed-in staff member.
import type { FastifyRequest } from 'fastify';
import type { KioskConfig } from '../config.ts';
import { QueueError } from '../queue/errors.ts';

export function kioskAddressGuard(
  config: KioskConfig,
  opts: { staff?: boolean; zh: string; en: string },
): (req: FastifyRequest) => Promise<void> {
  const allowed = new Set(config.kioskAddresses);
  return async (req) => {
    if (allowed.has('*') || allowed.has(req.ip)) return;
    if (opts.staff && req.kioskStaff) return;
    throw new QueueError('FORBIDDEN', opts.zh, opts.en, { address: req.ip });
  };
}
