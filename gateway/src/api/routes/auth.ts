// POST /api/login, POST /api/logout, GET /api/me, POST /api/me/password
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { writeAudit } from '../../auth/audit.ts';
import { AuthError } from '../../auth/errors.ts';
import type { RouteContext } from '../context.ts';
import { actorOf, clearSessionCookie, requireRole, sessionToken, setSessionCookie } from '../session.ts';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
const EmptyBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })]);
const PasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 10, maxLength: 256 }),
  },
  { additionalProperties: false },
);

/** Which program the console talks to: a station's gateway or the community center. */
const gatewayOf = (ctx: RouteContext) => ({ role: ctx.center ? 'center' : 'station' });

export function authRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/login', { schema: { body: LoginBody } }, async (req, reply) => {
    const { username, password } = req.body;
    const wait = await ctx.loginLimiter.retryAfterS(req.ip, username);
    if (wait > 0) {
      ctx.apiMetrics.loginFailures++;
      writeAudit(ctx.db, { actor: username, action: 'staff.login-limited', ip: req.ip });
      throw new AuthError('RATE_LIMITED', `too many failed logins; try again in ${wait} s`, wait);
    }
    const staff = await ctx.staff.verify(username, password);
    if (!staff) {
      ctx.apiMetrics.loginFailures++;
      await ctx.loginLimiter.fail(req.ip, username);
      writeAudit(ctx.db, { actor: username, action: 'staff.login-failed', ip: req.ip });
      throw new AuthError('AUTH', 'wrong username or password');
    }
    await ctx.loginLimiter.succeed(req.ip, username);
    const { token, expiresAt } = await ctx.sessions.create(staff.username, req.ip);
    writeAudit(ctx.db, { actor: staff.username, action: 'staff.login', ip: req.ip });
    setSessionCookie(reply, token, ctx.config.sessionTtlS, ctx.config.secureCookies);
    return {
      user: { username: staff.username, role: staff.role, displayName: staff.displayName ?? null },
      expiresAt,
      gateway: gatewayOf(ctx),
    };
  });

  app.post('/api/logout', { schema: { body: EmptyBody } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) await ctx.sessions.destroy(token);
    if (req.staff) writeAudit(ctx.db, { ...actorOf(req), action: 'staff.logout' });
    clearSessionCookie(reply, ctx.config.secureCookies);
    return reply.code(204).send();
  });

  app.get('/api/me', { onRequest: requireRole('window') }, async (req) => {
    const session = req.staff!;
    return {
      user: { username: session.username, role: session.role, displayName: session.displayName ?? null },
      expiresAt: session.expiresAt,
      gateway: gatewayOf(ctx),
    };
  });

  app.post(
    '/api/me/password',
    { onRequest: requireRole('window'), schema: { body: PasswordBody } },
    async (req, reply) => {
      const { currentPassword, newPassword } = req.body;
      const username = req.staff!.username;
      if (!(await ctx.staff.verify(username, currentPassword))) {
        throw new AuthError('AUTH', 'the current password is wrong');
      }
      await ctx.staff.setPassword(username, newPassword, actorOf(req));
      clearSessionCookie(reply, ctx.config.secureCookies);
      return reply.code(204).send();
    },
  );
}
