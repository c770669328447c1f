import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { recordAudit } from '../../kernel/audit.ts';
import { grants, isPermission, permissionsForRole, type AuthContext, type OrgKind, type Role } from '../../kernel/context.ts';
import { randomToken, sha256Hex, safeEqual, type SecretBox } from '../../kernel/crypto.ts';
import type { Executor } from '../../kernel/db.ts';
import { AppError, badRequest, conflict, forbidden, notFound, unauthenticated, validationError } from '../../kernel/errors.ts';
import { emit } from '../../kernel/events.ts';
import { newId } from '../../kernel/ids.ts';
import { queueEmail } from '../../kernel/mail.ts';
import { newTotpSecret, otpauthUri, totpStep } from './totp.ts';

const SESSION_DAYS = 14;
const ARGON = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const; // OWASP 2023 minimum

export const hashPassword = (password: string) => argonHash(password, ARGON);
export const verifyPassword = (hash: string, password: string) => argonVerify(hash, password).catch(() => false);

export function checkPasswordPolicy(password: string) {
  if (password.length < 10) throw validationError([{ field: 'password', message: 'must be at least 10 characters' }]);
  if (password.length > 200) throw validationError([{ field: 'password', message: 'must be at most 200 characters' }]);
}

const normEmail = (e: string) => e.trim().toLowerCase();

export interface PublicUser { id: string; email: string; name: string; locale: string; totp_enabled: boolean }
const publicUser = (u: any): PublicUser => ({ id: u.id, email: u.email, name: u.name, locale: u.locale, totp_enabled: u.totp_enabled });

// ---------- resolved credentials, through the read cache (hot path of every request) ----------
// Keys "auth:…". Any change to memberships, keys or sessions invalidates the family "auth:*" in its
// transaction, so revocation is immediate in every server process (see kernel/read-cache.ts).
interface CachedAuth { ctx: Omit<AuthContext, 'requestId' | 'ip'>; mfaPending: boolean; validUntil: number }
export const invalidateAuthCache = (tx: Executor) => tx.invalidate('auth:*');

// ---------- users and organisations ----------
export async function createUser(tx: Executor, input: { email: string; name: string; password: string; locale?: string }) {
  checkPasswordPolicy(input.password);
  const email = normEmail(input.email);
  if (await tx.maybeOne('SELECT 1 FROM users WHERE email = $1', [email])) throw conflict(`A user with e-mail ${email} already exists`);
  const id = newId('usr');
  const row = await tx.one(
    `INSERT INTO users (id, email, name, password_hash, locale) VALUES ($1,$2,$3,$4,$5) RETURNING *`,
    [id, email, input.name, await hashPassword(input.password), input.locale ?? 'en'],
  );
  return publicUser(row);
}

export async function createOrganisation(tx: Executor, ownerUserId: string, input: { name: string; kind: OrgKind; country?: string | null }, requestId = 'system') {
  const id = newId('org');
  const org = await tx.one(`INSERT INTO organisations (id, name, kind, country) VALUES ($1,$2,$3,$4) RETURNING id, name, kind, country, created_at`, [id, input.name, input.kind, input.country ?? null]);
  await tx.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1,$2,'owner')`, [id, ownerUserId]);
  const ctx = { requestId, userId: ownerUserId, apiKeyId: null, sessionId: null, orgId: id, orgKind: input.kind, role: 'owner' as Role, permissions: new Set(['*']) };
  await recordAudit(tx, ctx, { action: 'organisation.create', entityType: 'organisation', entityId: id, after: org });
  await emit(tx, ctx, { type: 'identity.organisation.created', entityType: 'organisation', entityId: id, orgId: id, payload: { name: org.name, kind: org.kind } });
  return org as { id: string; name: string; kind: OrgKind; country: string | null };
}

// ---------- sessions ----------
async function openSession(tx: Executor, userId: string, orgId: string | null, mfaPending: boolean, meta: { ip?: string; userAgent?: string }) {
  const token = randomToken();
  const id = newId('ses');
  await tx.query(
    `INSERT INTO sessions (id, token_hash, user_id, current_org_id, mfa_pending, ip, user_agent, expires_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7, now() + make_interval(days => ${SESSION_DAYS}))`,
    [id, sha256Hex(token), userId, orgId, mfaPending, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null],
  );
  return { token, sessionId: id };
}

async function defaultOrgOf(tx: Executor, userId: string): Promise<string | null> {
  const m = await tx.maybeOne<{ org_id: string }>(`SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY created_at, org_id LIMIT 1`, [userId]);
  return m?.org_id ?? null;
}

export async function signup(tx: Executor, input: { email: string; password: string; name: string; locale?: string; organisation?: { name: string; kind: OrgKind; country?: string } }, meta: { ip?: string; userAgent?: string; requestId: string }) {
  const user = await createUser(tx, input);
  const org = input.organisation ? await createOrganisation(tx, user.id, input.organisation, meta.requestId) : null;
  const session = await openSession(tx, user.id, org?.id ?? null, false, meta);
  await emit(tx, { requestId: meta.requestId, userId: user.id }, { type: 'identity.user.signed_up', entityType: 'user', entityId: user.id, orgId: org?.id ?? null, payload: { email: user.email } });
  return { user, organisation: org, ...session };
}

// Constant work on unknown e-mails so response time does not reveal which accounts exist.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Yq3pJ1mJvQ7v4E7c8Qk2kq6k0Yl8yK3p1m0wJb9H0M';

export async function login(tx: Executor, input: { email: string; password: string }, meta: { ip?: string; userAgent?: string }) {
  const user = await tx.maybeOne(`SELECT * FROM users WHERE email = $1`, [normEmail(input.email)]);
  const ok = user ? await verifyPassword(user.password_hash, input.password) : (await verifyPassword(DUMMY_HASH, input.password), false);
  if (!user || !ok) throw new AppError('invalid_credentials', 401, 'E-mail or password is wrong');
  const session = await openSession(tx, user.id, await defaultOrgOf(tx, user.id), user.totp_enabled, meta);
  return { ...session, mfaRequired: user.totp_enabled as boolean, user: publicUser(user) };
}

export async function completeMfaLogin(tx: Executor, secrets: SecretBox, sessionId: string, code: string) {
  const s = await tx.maybeOne(`SELECT s.*, u.totp_secret_sealed FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > now()`, [sessionId]);
  if (!s || !s.mfa_pending) throw badRequest('No sign-in is waiting for a two-factor code');
  await consumeTotp(tx, secrets, s.user_id, s.totp_secret_sealed, code, 401);
  await tx.query(`UPDATE sessions SET mfa_pending = false WHERE id = $1`, [sessionId]);
  await invalidateAuthCache(tx);
}

export async function logout(tx: Executor, sessionId: string) {
  await tx.query(`DELETE FROM sessions WHERE id = $1`, [sessionId]);
  await invalidateAuthCache(tx);
}

function contextFromMembership(userId: string, sessionId: string | null, m: { org_id: string; kind: OrgKind; role: Role; extra_permissions: string[] }) {
  const perms = permissionsForRole(m.role);
  for (const p of m.extra_permissions ?? []) perms.add(p);
  return { userId, apiKeyId: null, sessionId, orgId: m.org_id, orgKind: m.kind, role: m.role, permissions: perms };
}

/** Resolve a session cookie. Returns null when unknown or expired; mfaPending sessions carry no org. */
export async function resolveSession(db: Executor, token: string): Promise<CachedAuth | null> {
  const tokenHash = sha256Hex(token);
  const entry = await db.cached('auth:s:' + tokenHash, async () => {
    const s = await db.maybeOne(
      `SELECT s.id, s.user_id, s.mfa_pending, s.current_org_id, s.expires_at, m.role, m.extra_permissions, o.kind
         FROM sessions s
         LEFT JOIN memberships m ON m.user_id = s.user_id AND m.org_id = s.current_org_id
         LEFT JOIN organisations o ON o.id = m.org_id
        WHERE s.token_hash = $1 AND s.expires_at > now()`,
      [tokenHash],
    );
    if (!s) return null;
    const ctx = s.role
      ? contextFromMembership(s.user_id, s.id, { org_id: s.current_org_id, kind: s.kind, role: s.role, extra_permissions: s.extra_permissions })
      : { userId: s.user_id, apiKeyId: null, sessionId: s.id, orgId: '', orgKind: 'buyer' as OrgKind, role: null, permissions: new Set<string>() };
    return { ctx, mfaPending: s.mfa_pending, validUntil: new Date(s.expires_at).getTime() };
  });
  return entry && entry.validUntil > Date.now() ? entry : null;
}

const API_KEY_RE = /^tlk_([0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{43})$/;

/** Resolve `Authorization: Bearer tlk_<id>.<secret>`; secrets are stored as SHA-256 (high-entropy). */
export async function resolveApiKey(db: Executor, bearer: string): Promise<CachedAuth | null> {
  const m = API_KEY_RE.exec(bearer);
  if (!m) return null;
  // Keyed by the whole credential: a wrong secret never reaches a cached entry.
  return db.cached('auth:k:' + bearer, async () => {
    const row = await db.maybeOne(
      `SELECT k.id, k.org_id, k.secret_hash, k.scopes, o.kind FROM api_keys k JOIN organisations o ON o.id = k.org_id WHERE k.id = $1 AND k.revoked_at IS NULL`,
      ['key_' + m[1]],
    );
    if (!row || !safeEqual(row.secret_hash, sha256Hex(m[2]))) return null;
    return {
      ctx: { userId: null, apiKeyId: row.id, sessionId: null, orgId: row.org_id, orgKind: row.kind, role: null, permissions: new Set<string>(row.scopes) },
      mfaPending: false,
      validUntil: Infinity,
    } satisfies CachedAuth;
  });
}

export async function switchOrganisation(tx: Executor, userId: string, sessionId: string, orgId: string) {
  const m = await tx.maybeOne(`SELECT 1 FROM memberships WHERE user_id = $1 AND org_id = $2`, [userId, orgId]);
  if (!m) throw notFound('Organisation membership', orgId);
  await tx.query(`UPDATE sessions SET current_org_id = $2 WHERE id = $1`, [sessionId, orgId]);
  await invalidateAuthCache(tx);
}

export async function me(tx: Executor, userId: string, ctx: AuthContext | null) {
  const user = await tx.one(`SELECT * FROM users WHERE id = $1`, [userId]);
  const memberships = await tx.query(
    `SELECT o.id, o.name, o.kind, o.country, m.role FROM memberships m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name`,
    [userId],
  );
  return {
    user: publicUser(user),
    organisations: memberships,
    current_org_id: ctx?.orgId || null,
    role: ctx?.role ?? null,
    permissions: ctx ? [...ctx.permissions].sort() : [],
  };
}

export async function updateProfile(tx: Executor, ctx: AuthContext, patch: { name?: string; locale?: string }) {
  const before = await tx.one(`SELECT name, locale FROM users WHERE id = $1`, [ctx.userId]);
  const after = await tx.one(`UPDATE users SET name = COALESCE($2, name), locale = COALESCE($3, locale), updated_at = now() WHERE id = $1 RETURNING name, locale`, [ctx.userId, patch.name ?? null, patch.locale ?? null]);
  if (ctx.orgId) await recordAudit(tx, ctx, { action: 'user.update', entityType: 'user', entityId: ctx.userId!, before, after });
  return after;
}

// ---------- TOTP ----------
/** Check a code and burn its time step: the same code cannot be replayed within its window. */
async function consumeTotp(tx: Executor, secrets: SecretBox, userId: string, sealed: string, code: string, status: number) {
  const step = totpStep(secrets.open(sealed), code);
  const burned = step === null ? [] : await tx.query(`UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 RETURNING id`, [userId, step]);
  if (burned.length === 0) throw new AppError('invalid_totp', status, 'The two-factor code is wrong, expired or already used', [{ field: 'code', message: 'wrong, expired or already used' }]);
}

export async function beginTotpSetup(tx: Executor, secrets: SecretBox, userId: string) {
  const u = await tx.one(`SELECT email, totp_enabled FROM users WHERE id = $1`, [userId]);
  if (u.totp_enabled) throw conflict('Two-factor authentication is already on; turn it off first to change the secret');
  const secret = newTotpSecret();
  await tx.query(`UPDATE users SET totp_secret_sealed = $2 WHERE id = $1`, [userId, secrets.seal(secret)]);
  return { secret, otpauth_uri: otpauthUri(secret, u.email) };
}

export async function setTotpEnabled(tx: Executor, secrets: SecretBox, ctx: AuthContext, code: string, enabled: boolean) {
  const u = await tx.one(`SELECT totp_secret_sealed, totp_enabled FROM users WHERE id = $1`, [ctx.userId]);
  if (!u.totp_secret_sealed) throw badRequest('Start two-factor setup first');
  await consumeTotp(tx, secrets, ctx.userId!, u.totp_secret_sealed, code, 400);
  await tx.query(`UPDATE users SET totp_enabled = $2, totp_secret_sealed = CASE WHEN $2 THEN totp_secret_sealed ELSE NULL END, updated_at = now() WHERE id = $1`, [ctx.userId, enabled]);
  if (ctx.orgId) await recordAudit(tx, ctx, { action: enabled ? 'user.totp_enable' : 'user.totp_disable', entityType: 'user', entityId: ctx.userId!, before: { totp_enabled: u.totp_enabled }, after: { totp_enabled: enabled } });
}

// ---------- password reset ----------
export async function requestPasswordReset(tx: Executor, email: string, publicUrl: string, requestId: string) {
  const user = await tx.maybeOne(`SELECT id, email FROM users WHERE email = $1`, [normEmail(email)]);
  if (!user) return; // same answer either way: accounts are not enumerable
  const token = randomToken();
  const id = newId('pwr');
  await tx.query(`INSERT INTO password_resets (id, user_id, token_hash, expires_at) VALUES ($1,$2,$3, now() + interval '1 hour')`, [id, user.id, sha256Hex(token)]);
  await emit(tx, { requestId, userId: user.id }, { type: 'identity.password_reset.requested', entityType: 'user', entityId: user.id, orgId: null, payload: { reset_id: id } });
  await queueEmail(tx, {
    to: user.email,
    subject: 'Reset your Tradelane password',
    text: `Someone asked to reset the password of ${user.email}. If it was you, open ${publicUrl}/reset-password?token=${token} within one hour, or use the token: ${token}`,
  });
}

export async function confirmPasswordReset(tx: Executor, token: string, password: string, requestId: string) {
  checkPasswordPolicy(password);
  const r = await tx.maybeOne(`SELECT * FROM password_resets WHERE token_hash = $1 FOR UPDATE`, [sha256Hex(token)]);
  if (!r || r.used_at || new Date(r.expires_at) < new Date()) throw new AppError('invalid_token', 400, 'The reset token is unknown, used or expired', [{ field: 'token', message: 'unknown, used or expired' }]);
  await tx.query(`UPDATE password_resets SET used_at = now() WHERE id = $1`, [r.id]);
  await tx.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [r.user_id, await hashPassword(password)]);
  await tx.query(`DELETE FROM sessions WHERE user_id = $1`, [r.user_id]); // sign out everywhere
  await invalidateAuthCache(tx);
  await emit(tx, { requestId, userId: r.user_id }, { type: 'identity.password_reset.completed', entityType: 'user', entityId: r.user_id, orgId: null, payload: {} });
}

// ---------- organisation, members, invitations ----------
/** The organisation record, through the read cache (read on most console pages); key "org:<id>". */
export async function getOrganisation(tx: Executor, ctx: AuthContext) {
  return tx.cached('org:' + ctx.orgId, async () => {
    const org = await organisationProfile(tx, ctx.orgId);
    if (!org) throw notFound('Organisation', ctx.orgId);
    return org;
  });
}

export async function updateOrganisation(tx: Executor, ctx: AuthContext, patch: { name?: string; country?: string | null }) {
  const before = await getOrganisation(tx, ctx);
  const after = await tx.one(`UPDATE organisations SET name = COALESCE($2, name), country = COALESCE($3, country), updated_at = now() WHERE id = $1 RETURNING id, name, kind, country, created_at`, [ctx.orgId, patch.name ?? null, patch.country ?? null]);
  await tx.invalidate('org:' + ctx.orgId);
  await recordAudit(tx, ctx, { action: 'organisation.update', entityType: 'organisation', entityId: ctx.orgId, before, after });
  return after;
}

export async function listMembers(tx: Executor, ctx: AuthContext) {
  return tx.query(
    `SELECT u.id AS user_id, u.email, u.name, m.role, m.extra_permissions, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY m.created_at`,
    [ctx.orgId],
  );
}

async function ownerCount(tx: Executor, orgId: string) {
  return (await tx.one<{ n: number }>(`SELECT count(*)::int AS n FROM memberships WHERE org_id = $1 AND role = 'owner'`, [orgId])).n;
}

function assertCanAssignRole(ctx: AuthContext, role: Role) {
  if (role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can make someone an owner');
}

export async function updateMember(tx: Executor, ctx: AuthContext, userId: string, patch: { role?: Role; extra_permissions?: string[] }) {
  const before = await tx.maybeOne(`SELECT role, extra_permissions FROM memberships WHERE org_id = $1 AND user_id = $2 FOR UPDATE`, [ctx.orgId, userId]);
  if (!before) throw notFound('Member', userId);
  if (patch.role) assertCanAssignRole(ctx, patch.role);
  if (before.role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can change an owner');
  if (before.role === 'owner' && patch.role && patch.role !== 'owner' && (await ownerCount(tx, ctx.orgId)) === 1) throw conflict('An organisation needs at least one owner');
  for (const p of patch.extra_permissions ?? []) {
    if (!isPermission(p)) throw validationError([{ field: 'extra_permissions', message: `"${p}" is not a permission` }]);
    if (!grants(ctx.permissions, p)) throw forbidden(`You cannot grant "${p}", which you do not hold`);
  }
  const after = await tx.one(
    `UPDATE memberships SET role = COALESCE($3, role), extra_permissions = COALESCE($4, extra_permissions) WHERE org_id = $1 AND user_id = $2 RETURNING role, extra_permissions`,
    [ctx.orgId, userId, patch.role ?? null, patch.extra_permissions ?? null],
  );
  await invalidateAuthCache(tx);
  await recordAudit(tx, ctx, { action: 'member.update', entityType: 'user', entityId: userId, before, after });
  return { user_id: userId, ...after };
}

export async function removeMember(tx: Executor, ctx: AuthContext, userId: string) {
  const before = await tx.maybeOne(`SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 FOR UPDATE`, [ctx.orgId, userId]);
  if (!before) throw notFound('Member', userId);
  if (before.role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can remove an owner');
  if (before.role === 'owner' && (await ownerCount(tx, ctx.orgId)) === 1) throw conflict('An organisation needs at least one owner');
  await tx.query(`DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, [ctx.orgId, userId]);
  await tx.query(`UPDATE sessions SET current_org_id = NULL WHERE user_id = $1 AND current_org_id = $2`, [userId, ctx.orgId]);
  await invalidateAuthCache(tx);
  await recordAudit(tx, ctx, { action: 'member.remove', entityType: 'user', entityId: userId, before, after: null });
}

export async function inviteMember(tx: Executor, ctx: AuthContext, input: { email: string; role: Role }, publicUrl: string) {
  assertCanAssignRole(ctx, input.role);
  const email = normEmail(input.email);
  const existing = await tx.maybeOne(`SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email = $2`, [ctx.orgId, email]);
  if (existing) throw conflict(`${email} is already a member`);
  const token = randomToken();
  const id = newId('inv');
  const inv = await tx.one(
    `INSERT INTO invitations (id, org_id, email, role, token_hash, created_by, expires_at) VALUES ($1,$2,$3,$4,$5,$6, now() + interval '7 days')
     RETURNING id, email, role, expires_at, created_at`,
    [id, ctx.orgId, email, input.role, sha256Hex(token), ctx.userId],
  );
  const org = await getOrganisation(tx, ctx);
  await queueEmail(tx, { to: email, subject: `You are invited to ${org.name} on Tradelane`, text: `Join ${org.name} as ${input.role}: ${publicUrl}/accept-invitation?token=${token} (invitation token: ${token}, valid 7 days)` }, ctx.orgId);
  await recordAudit(tx, ctx, { action: 'invitation.create', entityType: 'invitation', entityId: id, after: inv });
  await emit(tx, ctx, { type: 'identity.invitation.created', entityType: 'invitation', entityId: id, orgId: ctx.orgId, payload: { email, role: input.role } });
  return { ...inv, token };
}

export async function listInvitations(tx: Executor, ctx: AuthContext) {
  return tx.query(`SELECT id, email, role, expires_at, accepted_at, created_at FROM invitations WHERE org_id = $1 ORDER BY created_at DESC`, [ctx.orgId]);
}

export async function acceptInvitation(tx: Executor, userId: string, token: string, requestId: string) {
  const inv = await tx.maybeOne(`SELECT * FROM invitations WHERE token_hash = $1 FOR UPDATE`, [sha256Hex(token)]);
  if (!inv || inv.accepted_at || new Date(inv.expires_at) < new Date()) throw new AppError('invalid_token', 400, 'The invitation is unknown, used or expired', [{ field: 'token', message: 'unknown, used or expired' }]);
  const user = await tx.one(`SELECT email FROM users WHERE id = $1`, [userId]);
  if (user.email !== inv.email) throw forbidden(`This invitation was sent to ${inv.email}; sign in with that address`);
  await tx.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, [inv.org_id, userId, inv.role]);
  await tx.query(`UPDATE invitations SET accepted_at = now() WHERE id = $1`, [inv.id]);
  await invalidateAuthCache(tx);
  const org = await tx.one(`SELECT kind FROM organisations WHERE id = $1`, [inv.org_id]);
  const ctx = { requestId, userId, apiKeyId: null, sessionId: null, orgId: inv.org_id, orgKind: org.kind, role: inv.role, permissions: new Set<string>() };
  await recordAudit(tx, ctx, { action: 'invitation.accept', entityType: 'invitation', entityId: inv.id, after: { user_id: userId, role: inv.role } });
  return { org_id: inv.org_id, role: inv.role };
}

// ---------- API keys ----------
export async function createApiKey(tx: Executor, ctx: AuthContext, input: { name: string; scopes: string[] }) {
  for (const s of input.scopes) {
    if (!isPermission(s)) throw validationError([{ field: 'scopes', message: `"${s}" is not a permission (use <capability>:<read|write|admin>)` }]);
    if (!grants(ctx.permissions, s)) throw forbidden(`You cannot create a key with "${s}", which you do not hold`);
  }
  const id = newId('key');
  const secret = randomToken(32);
  const row = await tx.one(
    `INSERT INTO api_keys (id, org_id, name, secret_hash, scopes, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id, name, scopes, created_at`,
    [id, ctx.orgId, input.name, sha256Hex(secret), input.scopes, ctx.userId],
  );
  await recordAudit(tx, ctx, { action: 'apikey.create', entityType: 'api_key', entityId: id, after: row });
  await emit(tx, ctx, { type: 'identity.api_key.created', entityType: 'api_key', entityId: id, orgId: ctx.orgId, payload: { name: input.name, scopes: input.scopes } });
  // The key is shown once; only its hash is stored.
  return { ...row, key: `tlk_${id.slice(4)}.${secret}` };
}

export async function listApiKeys(tx: Executor, ctx: AuthContext) {
  return tx.query(`SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_keys WHERE org_id = $1 ORDER BY id DESC`, [ctx.orgId]);
}

export async function revokeApiKey(tx: Executor, ctx: AuthContext, id: string) {
  const row = await tx.maybeOne(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL RETURNING id, name, revoked_at`, [id, ctx.orgId]);
  if (!row) throw notFound('API key', id);
  await invalidateAuthCache(tx);
  await recordAudit(tx, ctx, { action: 'apikey.revoke', entityType: 'api_key', entityId: id, before: { revoked_at: null }, after: { revoked_at: row.revoked_at } });
  await emit(tx, ctx, { type: 'identity.api_key.revoked', entityType: 'api_key', entityId: id, orgId: ctx.orgId, payload: {} });
}

// ---------- audit ----------
export async function listAudit(tx: Executor, ctx: AuthContext, q: { limit: number; cursor?: string; entity_type?: string; entity_id?: string; action?: string }) {
  const params: unknown[] = [ctx.orgId];
  let where = 'org_id = $1';
  if (q.cursor) { params.push(Number(q.cursor)); where += ` AND id < $${params.length}`; }
  if (q.entity_type) { params.push(q.entity_type); where += ` AND entity_type = $${params.length}`; }
  if (q.entity_id) { params.push(q.entity_id); where += ` AND entity_id = $${params.length}`; }
  if (q.action) { params.push(q.action); where += ` AND action = $${params.length}`; }
  const rows = await tx.query(`SELECT id, actor_user_id, actor_api_key_id, action, entity_type, entity_id, diff, request_id, at FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT ${q.limit + 1}`, params);
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? String(data[data.length - 1].id) : null };
}

/** One organisation's public profile (name, kind, country), for other modules. */
export async function organisationProfile(tx: Executor, id: string): Promise<{ id: string; name: string; kind: OrgKind; country: string | null; created_at: Date } | undefined> {
  return tx.maybeOne(`SELECT id, name, kind, country, created_at FROM organisations WHERE id = $1`, [id]);
}

export async function directory(tx: Executor, kind?: string) {
  return kind
    ? tx.query(`SELECT id, name, kind, country FROM organisations WHERE kind = $1 ORDER BY name LIMIT 500`, [kind])
    : tx.query(`SELECT id, name, kind, country FROM organisations ORDER BY kind, name LIMIT 500`);
}

export { unauthenticated };
