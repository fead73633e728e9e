// The staff session cookie of both services, one way: @fastify/cookie parses the Cookie header
// (req.cookies) and writes Set-Cookie; the session cookie is always HttpOnly, SameSite=Strict,
// Path=/, Secure when the service is told it runs behind HTTPS.
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Registers @fastify/cookie; before any onRequest hook that reads a session. */
export async function installCookies(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCookie);
}

/** The cookie's value as sent (the first one of that name), or undefined. */
export function readSessionCookie(req: FastifyRequest, name: string): string | undefined {
  const value = req.cookies[name];
  return value === undefined || value === '' ? undefined : value;
}

export function setSessionCookie(
  reply: FastifyReply,
  name: string,
  token: string,
  opts: { maxAgeS: number; secure: boolean },
): void {
  reply.setCookie(name, token, {
    maxAge: Math.floor(opts.maxAgeS),
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: opts.secure,
  });
}

/** Tells the browser to drop the cookie (empty value, Max-Age=0). */
export function clearSessionCookie(reply: FastifyReply, name: string, secure: boolean): void {
  setSessionCookie(reply, name, '', { maxAgeS: 0, secure });
}
