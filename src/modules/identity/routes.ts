import { z } from 'zod';
import { ORG_KINDS, ROLES } from '../../kernel/context.ts';
import { badRequest, notFound } from '../../kernel/errors.ts';
import { revokeGrant, shareRecord } from '../../kernel/grants.ts';
import { recordAudit } from '../../kernel/audit.ts';
import { defineRoute, idParam, type RouteDef } from '../../http/route.ts';
import { SESSION_COOKIE, sessionCookieOptions } from '../../http/cookies.ts';
import * as svc from './service.ts';

const email = z.string().trim().email().max(254);
const password = z.string().min(1).max(200);
const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. CN');
const locale = z.string().regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'BCP 47 language tag').max(35);
const orgInput = z.strictObject({ name: z.string().trim().min(1).max(200), kind: z.enum(ORG_KINDS), country: country.optional() });

const meta = (req: any) => ({ ip: req.ip, userAgent: req.headers['user-agent'], requestId: req.id });

export const identityRoutes: RouteDef[] = [
  defineRoute({
    method: 'POST', url: '/v1/auth/signup', summary: 'Create an account (and optionally an organisation); signs in', tags: ['auth'], auth: 'public', creates: true,
    body: z.strictObject({ email, password, name: z.string().trim().min(1).max(200), locale: locale.optional(), organisation: orgInput.optional() }),
    async handler({ tx, body, req, reply }) {
      const r = await svc.signup(tx, body, meta(req));
      reply.setCookie(SESSION_COOKIE, r.token, sessionCookieOptions(req));
      return { user: r.user, organisation: r.organisation };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/auth/login', summary: 'Sign in with e-mail and password', tags: ['auth'], auth: 'public',
    body: z.strictObject({ email, password }),
    async handler({ tx, body, req, reply }) {
      const r = await svc.login(tx, body, meta(req));
      reply.setCookie(SESSION_COOKIE, r.token, sessionCookieOptions(req));
      return { user: r.user, mfa_required: r.mfaRequired };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/auth/login/totp', summary: 'Finish signing in with a TOTP code', tags: ['auth'], auth: 'public',
    body: z.strictObject({ code: z.string().regex(/^\d{6}$/, '6 digits') }),
    async handler({ tx, body, req, services }) {
      const sessionId = (req as any).pendingSessionId as string | undefined;
      if (!sessionId) throw badRequest('No sign-in is waiting for a two-factor code');
      await svc.completeMfaLogin(tx, services.secrets, sessionId, body.code);
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/auth/logout', summary: 'Sign out (ends this session)', tags: ['auth'], auth: 'user',
    async handler({ tx, ctx, reply }) {
      if (ctx.sessionId) await svc.logout(tx, ctx.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/auth/password-reset', summary: 'Ask for a password reset token by e-mail', tags: ['auth'], auth: 'public',
    body: z.strictObject({ email }),
    async handler({ tx, body, req, services, reply }) {
      await svc.requestPasswordReset(tx, body.email, services.config.publicUrl, req.id);
      reply.code(202);
      return { ok: true, message: 'If the address has an account, a reset link is on its way.' };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/auth/password-reset/confirm', summary: 'Set a new password with a reset token', tags: ['auth'], auth: 'public',
    body: z.strictObject({ token: z.string().min(10).max(200), password }),
    async handler({ tx, body, req }) {
      await svc.confirmPasswordReset(tx, body.token, body.password, req.id);
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/me', summary: 'The signed-in user, organisations and permissions', tags: ['identity'], auth: 'user',
    async handler({ tx, ctx }) {
      return svc.me(tx, ctx.userId!, ctx.orgId ? ctx : null);
    },
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/me', summary: 'Update name or language', tags: ['identity'], auth: 'user',
    body: z.strictObject({ name: z.string().trim().min(1).max(200).optional(), locale: locale.optional() }),
    handler: ({ tx, ctx, body }) => svc.updateProfile(tx, ctx, body),
  }),
  defineRoute({
    method: 'POST', url: '/v1/me/totp/setup', summary: 'Start two-factor setup: returns the secret and otpauth URI once', tags: ['identity'], auth: 'user',
    handler: ({ tx, ctx, services }) => svc.beginTotpSetup(tx, services.secrets, ctx.userId!),
  }),
  defineRoute({
    method: 'POST', url: '/v1/me/totp/enable', summary: 'Turn on two-factor with a code from the app', tags: ['identity'], auth: 'user',
    body: z.strictObject({ code: z.string() }),
    async handler({ tx, ctx, body, services }) { await svc.setTotpEnabled(tx, services.secrets, ctx, body.code, true); return { totp_enabled: true }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/me/totp/disable', summary: 'Turn off two-factor (needs a current code)', tags: ['identity'], auth: 'user',
    body: z.strictObject({ code: z.string() }),
    async handler({ tx, ctx, body, services }) { await svc.setTotpEnabled(tx, services.secrets, ctx, body.code, false); return { totp_enabled: false }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/session/organisation', summary: 'Switch the session to another organisation you belong to', tags: ['identity'], auth: 'user',
    body: z.strictObject({ org_id: idParam('org') }),
    async handler({ tx, ctx, body }) {
      if (!ctx.sessionId) throw badRequest('API keys belong to one organisation and cannot switch');
      await svc.switchOrganisation(tx, ctx.userId!, ctx.sessionId, body.org_id);
      return { current_org_id: body.org_id };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/organisations', summary: 'Create another organisation; you become its owner', tags: ['identity'], auth: 'user', creates: true,
    body: orgInput,
    handler: ({ tx, ctx, body, req }) => svc.createOrganisation(tx, ctx.userId!, body, req.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/organisation', summary: 'The current organisation', tags: ['identity'], auth: 'identity:read',
    handler: ({ tx, ctx }) => svc.getOrganisation(tx, ctx),
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/organisation', summary: 'Rename the organisation or set its country', tags: ['identity'], auth: 'identity:admin',
    body: z.strictObject({ name: z.string().trim().min(1).max(200).optional(), country: country.optional() }),
    handler: ({ tx, ctx, body }) => svc.updateOrganisation(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET', url: '/v1/directory/organisations', summary: 'Find organisations to work with (name, kind, country only)', tags: ['identity'], auth: 'identity:read',
    query: z.strictObject({ kind: z.enum(ORG_KINDS).optional() }),
    async handler({ tx, query }) { return { data: await svc.directory(tx, query.kind) }; },
  }),
  defineRoute({
    method: 'GET', url: '/v1/organisation/members', summary: 'Members and their roles', tags: ['identity'], auth: 'identity:read',
    async handler({ tx, ctx }) { return { data: await svc.listMembers(tx, ctx) }; },
  }),
  defineRoute({
    method: 'PATCH', url: '/v1/organisation/members/:user_id', summary: 'Change a member\'s role or extra permissions', tags: ['identity'], auth: 'identity:admin',
    params: z.strictObject({ user_id: idParam('usr') }),
    body: z.strictObject({ role: z.enum(ROLES).optional(), extra_permissions: z.array(z.string()).max(100).optional() }),
    handler: ({ tx, ctx, params, body }) => svc.updateMember(tx, ctx, params.user_id, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/organisation/members/:user_id', summary: 'Remove a member', tags: ['identity'], auth: 'identity:admin',
    params: z.strictObject({ user_id: idParam('usr') }),
    async handler({ tx, ctx, params }) { await svc.removeMember(tx, ctx, params.user_id); return { ok: true }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/organisation/invitations', summary: 'Invite someone by e-mail', tags: ['identity'], auth: 'identity:admin', creates: true,
    body: z.strictObject({ email, role: z.enum(ROLES) }),
    async handler({ tx, ctx, body, services }) {
      const inv = await svc.inviteMember(tx, ctx, body, services.config.publicUrl);
      const { token: _token, ...rest } = inv; // the token travels by e-mail only
      return rest;
    },
  }),
  defineRoute({
    method: 'GET', url: '/v1/organisation/invitations', summary: 'Open and accepted invitations', tags: ['identity'], auth: 'identity:admin',
    async handler({ tx, ctx }) { return { data: await svc.listInvitations(tx, ctx) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/invitations/accept', summary: 'Accept an invitation as the signed-in user', tags: ['identity'], auth: 'user',
    body: z.strictObject({ token: z.string().min(10).max(200) }),
    handler: ({ tx, ctx, body, req }) => svc.acceptInvitation(tx, ctx.userId!, body.token, req.id),
  }),
  defineRoute({
    method: 'GET', url: '/v1/api-keys', summary: 'API keys of the organisation (never the secret)', tags: ['identity'], auth: 'identity:admin',
    async handler({ tx, ctx }) { return { data: await svc.listApiKeys(tx, ctx) }; },
  }),
  defineRoute({
    method: 'POST', url: '/v1/api-keys', summary: 'Create an API key; the key is shown once', tags: ['identity'], auth: 'identity:admin', creates: true,
    body: z.strictObject({ name: z.string().trim().min(1).max(100), scopes: z.array(z.string()).min(1).max(100) }),
    handler: ({ tx, ctx, body }) => svc.createApiKey(tx, ctx, body),
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/api-keys/:id', summary: 'Revoke an API key', tags: ['identity'], auth: 'identity:admin',
    params: z.strictObject({ id: idParam('key') }),
    async handler({ tx, ctx, params }) { await svc.revokeApiKey(tx, ctx, params.id); return { ok: true }; },
  }),
  defineRoute({
    method: 'GET', url: '/v1/audit', summary: 'Audit log of the organisation (newest first)', tags: ['audit'], auth: 'audit:read',
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().regex(/^\d+$/).optional(),
      entity_type: z.string().max(60).optional(), entity_id: z.string().max(60).optional(), action: z.string().max(60).optional(),
    }),
    handler: ({ tx, ctx, query }) => svc.listAudit(tx, ctx, query),
  }),
  defineRoute({
    method: 'GET', url: '/v1/grants', summary: 'Records this organisation shared, and records shared with it', tags: ['identity'], auth: 'identity:read',
    async handler({ tx, ctx }) {
      const given = await tx.query(`SELECT id, grantee_org_id, entity_type, entity_id, permissions, reason, created_at FROM record_grants WHERE owner_org_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 500`, [ctx.orgId]);
      const received = await tx.query(`SELECT id, owner_org_id, entity_type, entity_id, permissions, reason, created_at FROM record_grants WHERE grantee_org_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 500`, [ctx.orgId]);
      return { given, received };
    },
  }),
  defineRoute({
    method: 'POST', url: '/v1/grants', summary: 'Share one record with another organisation', tags: ['identity'], auth: 'identity:admin', creates: true,
    body: z.strictObject({ grantee_org_id: idParam('org'), entity_type: z.string().max(60), entity_id: z.string().max(60), permissions: z.array(z.enum(['read', 'write'])).min(1), reason: z.string().max(500).optional() }),
    async handler({ tx, ctx, body, services }) {
      const shareable = (services.state.get('shareable') as Record<string, string>) ?? {};
      const table = shareable[body.entity_type];
      if (!table) throw badRequest(`"${body.entity_type}" records cannot be shared; shareable: ${Object.keys(shareable).join(', ') || 'none'}`, 'entity_type');
      const owned = await tx.maybeOne(`SELECT 1 FROM ${table} WHERE id = $1 AND org_id = $2`, [body.entity_id, ctx.orgId]);
      if (!owned) throw notFound(body.entity_type, body.entity_id);
      const grantee = await tx.maybeOne(`SELECT 1 FROM organisations WHERE id = $1`, [body.grantee_org_id]);
      if (!grantee) throw notFound('Organisation', body.grantee_org_id);
      const id = await shareRecord(tx, ctx.orgId, { granteeOrgId: body.grantee_org_id, entityType: body.entity_type, entityId: body.entity_id, permissions: body.permissions, reason: body.reason, createdBy: ctx.userId });
      await recordAudit(tx, ctx, { action: 'grant.create', entityType: 'grant', entityId: id, after: body });
      return { id, ...body };
    },
  }),
  defineRoute({
    method: 'DELETE', url: '/v1/grants/:id', summary: 'Revoke a grant', tags: ['identity'], auth: 'identity:admin',
    params: z.strictObject({ id: idParam('grt') }),
    async handler({ tx, ctx, params }) {
      await revokeGrant(tx, ctx.orgId, params.id);
      await recordAudit(tx, ctx, { action: 'grant.revoke', entityType: 'grant', entityId: params.id, after: { revoked: true } });
      return { ok: true };
    },
  }),
];
