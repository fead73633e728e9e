// Staff sessions on requests: the cookie (@fastify/cookie, installed by app.ts) is read once per request, and routes declare the
// least role they need.
import {
  clearSessionCookie as clearCookie,
  readSessionCookie,
  setSessionCookie as setCookie,
} from '@linli/shared/service';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/audit.ts';
import { AuthError } from '../auth/errors.ts';
import { hasRole, type Role } from '../auth/roles.ts';
import type { Session, SessionKeeper } from '../auth/sessions.ts';

export const SESSION_COOKIE = 'linli_gw_session';

declare module 'fastify' {
  interface FastifyRequest {
    staff: Session | null;
  }
}

export function installSessions(app: FastifyInstance, sessions: SessionKeeper): void {
  app.decorateRequest('staff', null);
  app.addHook('onRequest', async (req) => {
    const token = readSessionCookie(req, SESSION_COOKIE);
    req.staff = token ? ((await sessions.lookup(token)) ?? null) : null;
  });
}

/** onRequest hook: 401 without a valid session, 403 below `role`. */
export function requireRole(role: Role) {
  return async (req: FastifyRequest): Promise<void> => {
    if (!req.staff) throw new AuthError('AUTH', 'not logged in (or the session has expired)');
    if (!hasRole(req.staff.role, role)) {
      throw new AuthError(
        'FORBIDDEN',
        `needs role ${role} or above; ${req.staff.username} is ${req.staff.role}`,
      );
    }
  };
}

export function actorOf(req: FastifyRequest): Actor {
  return { actor: req.staff?.username ?? 'anonymous', ip: req.ip };
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeS: number, secure: boolean): void {
  setCookie(reply, SESSION_COOKIE, token, { maxAgeS, secure });
}
export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  clearCookie(reply, SESSION_COOKIE, secure);
}

/** The session token the request carries, if any. */
export function sessionToken(req: FastifyRequest): string | undefined {
  return readSessionCookie(req, SESSION_COOKIE);
}
