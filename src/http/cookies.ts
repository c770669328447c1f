import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'tl_session';

/** httpOnly so scripts cannot read it; SameSite=Lax so other sites cannot post with it; Secure behind HTTPS. */
export function sessionCookieOptions(req: FastifyRequest) {
  const secure = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: 14 * 24 * 3600 };
}
