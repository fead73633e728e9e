// Routes for the kiosk's own screen only (by address, `kioskAddresses`), as the issuing routes.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function kioskOnly(addresses: readonly string[]) {
  const allowed = new Set(addresses);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (allowed.has('*') || allowed.has(req.ip)) return;
    await reply.status(403).send({
      error: {
        code: 'FORBIDDEN',
        message: 'for the kiosk screen only',
        zh: '请在自助终端上使用',
        en: 'for the kiosk screen only',
      },
    });
  };
}
