// Staff authentication: session cookie (@fastify/cookie, registered by app.ts; HttpOnly, SameSite=Strict), login with rate limit and
// audit, and the guards the staff routes use.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '@linli/shared/service';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { writeAudit } from '../queue/audit.ts';
import { QueueError } from '../queue/errors.ts';
import { type ApiContext, actorOf } from './context.ts';
import { obj } from './schemas.ts';

export const COOKIE = 'linli_kiosk_session';

export function requireStaff(role?: 'admin') {
  return async (req: FastifyRequest) => {
    if (!req.kioskStaff) throw new QueueError('UNAUTHENTICATED', '请先登录', 'sign in first');
    if (role && req.kioskStaff.role !== role)
      throw new QueueError('FORBIDDEN', '需要管理员权限', 'administrators only');
  };
}

export function actor(req: FastifyRequest) {
  if (!req.kioskStaff) throw new QueueError('UNAUTHENTICATED', '请先登录', 'sign in first');
  return actorOf(req.kioskStaff, req.ip);
}

export function authRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('kioskStaff', null);
  app.addHook('onRequest', async (req) => {
    const token = readSessionCookie(req, COOKIE);
    req.kioskStaff = token && token.length <= 100 ? ctx.staff.session(token) : null;
  });

  app.post(
    '/api/auth/login',
    {
      schema: {
        body: obj(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          ['username', 'password'],
        ),
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const now = ctx.engine.clock.now();
      const wait = ctx.limiter.retryAfterS(req.ip, username);
      if (wait > 0) {
        writeAudit(ctx.engine.db, now, { username, address: req.ip }, 'login.limited');
        reply.header('retry-after', String(wait));
        throw new QueueError(
          'RATE_LIMITED',
          `登录失败次数过多，请${wait}秒后再试`,
          `too many failed logins; retry in ${wait} s`,
          {
            retryAfterS: wait,
          },
        );
      }
      const res = await ctx.staff.login(username, password);
      if (!res) {
        ctx.limiter.fail(req.ip, username);
        writeAudit(ctx.engine.db, now, { username, address: req.ip }, 'login.failed');
        throw new QueueError('UNAUTHENTICATED', '用户名或密码不正确', 'wrong username or password');
      }
      ctx.limiter.succeed(req.ip, username);
      writeAudit(ctx.engine.db, now, actorOf(res.staff, req.ip), 'login');
      setSessionCookie(reply, COOKIE, res.token, {
        maxAgeS: ctx.config.sessionTtlMin * 60,
        secure: ctx.config.secureCookies,
      });
      return { staff: res.staff };
    },
  );

  app.post('/api/auth/logout', async (req, reply) => {
    const token = readSessionCookie(req, COOKIE);
    if (token) ctx.staff.logout(token);
    if (req.kioskStaff)
      writeAudit(ctx.engine.db, ctx.engine.clock.now(), actorOf(req.kioskStaff, req.ip), 'logout');
    clearSessionCookie(reply, COOKIE, ctx.config.secureCookies);
    return { ok: true };
  });

  app.get('/api/auth/me', { onRequest: requireStaff() }, async (req) => {
    const win = ctx.engine.windows().find((w) => w.staffId === req.kioskStaff?.id) ?? null;
    return { staff: req.kioskStaff, windowId: win?.id ?? null };
  });
}
