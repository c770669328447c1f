import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../src/modules/identity/index.ts';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../helpers.ts';

describe(`identity and tenancy (${dbLabel})`, () => {
  let rt: TestRuntime;
  let a: Party;
  let b: Party;
  beforeAll(async () => {
    rt = await testRuntime();
    a = await newParty(rt, 'seller');
    b = await newParty(rt, 'carrier');
  });
  afterAll(() => rt?.dispose());

  it('signs in, reads /v1/me, signs out', async () => {
    const login = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: a.email, password: a.password } });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0];
    const me = await rt.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    expect(me.json().current_org_id).toBe(a.orgId);
    expect(me.json().role).toBe('owner');
    const out = await rt.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    const after = await rt.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('rejects a wrong password without saying whether the account exists', async () => {
    const wrong = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: a.email, password: 'not the password' } });
    const unknown = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'nobody@example.com', password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('stores passwords as argon2id hashes', async () => {
    const row = await rt.db.one(`SELECT password_hash FROM users WHERE id = $1`, [a.userId]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('TOTP two-factor: setup, enable, login needs the code', async () => {
    const p = await newParty(rt, 'seller');
    const setup = await rt.app.inject({ method: 'POST', url: '/v1/me/totp/setup', headers: { cookie: p.cookie } });
    const secret = setup.json().secret;
    expect(setup.json().otpauth_uri).toContain('otpauth://totp/');
    const bad = await rt.app.inject({ method: 'POST', url: '/v1/me/totp/enable', headers: { cookie: p.cookie }, payload: { code: '000000' } });
    expect(bad.statusCode).toBe(400);
    const ok = await rt.app.inject({ method: 'POST', url: '/v1/me/totp/enable', headers: { cookie: p.cookie }, payload: { code: totp(secret) } });
    expect(ok.statusCode).toBe(200);
    const login = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: p.email, password: p.password } });
    expect(login.json().mfa_required).toBe(true);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    expect((await rt.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } })).statusCode).toBe(401);
    // the code that enabled 2FA cannot be replayed
    const replay = await rt.app.inject({ method: 'POST', url: '/v1/auth/login/totp', headers: { cookie }, payload: { code: totp(secret) } });
    expect(replay.statusCode).toBe(401);
    const fin = await rt.app.inject({ method: 'POST', url: '/v1/auth/login/totp', headers: { cookie }, payload: { code: totp(secret, Date.now() + 30_000) } });
    expect(fin.statusCode).toBe(200);
    expect((await rt.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('password reset by one-time token delivered through the mail outbox', async () => {
    const p = await newParty(rt, 'buyer');
    const req = await rt.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: p.email } });
    expect(req.statusCode).toBe(202);
    const job = await rt.db.one(`SELECT payload FROM jobs WHERE kind = 'email.send' AND payload->>'to' = $1 ORDER BY created_at DESC LIMIT 1`, [p.email]);
    const token = /token: (\S+)/.exec(job.payload.text)![1];
    const confirm = await rt.app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, password: 'a brand new password' } });
    expect(confirm.statusCode).toBe(200);
    const again = await rt.app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, password: 'another new password' } });
    expect(again.statusCode).toBe(400);
    const login = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: p.email, password: 'a brand new password' } });
    expect(login.statusCode).toBe(200);
    // the old session was signed out everywhere
    expect((await rt.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: p.cookie } })).statusCode).toBe(401);
  });

  it('API keys: shown once, stored hashed, scoped, revocable', async () => {
    const created = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 'read only', scopes: ['orders:read'] } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    const list = await rt.app.inject({ method: 'GET', url: '/v1/api-keys', headers: a.headers });
    expect(JSON.stringify(list.json())).not.toContain(key.split('.')[1]);
    const stored = await rt.db.one(`SELECT secret_hash FROM api_keys WHERE id = $1`, [id]);
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    // scope: orders:read cannot manage members
    const forbidden = await rt.app.inject({ method: 'GET', url: '/v1/api-keys', headers: { authorization: `Bearer ${key}` } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().detail).toContain('identity:admin');
    await rt.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: a.headers });
    const revoked = await rt.app.inject({ method: 'GET', url: '/v1/organisation', headers: { authorization: `Bearer ${key}` } });
    expect(revoked.statusCode).toBe(401);
  });

  it('cannot create a key with more than the creator holds', async () => {
    const weak = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: a.headers, payload: { name: 'weak', scopes: ['identity:admin'] } });
    const weakKey = weak.json().key;
    const r = await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { authorization: `Bearer ${weakKey}` }, payload: { name: 'escalate', scopes: ['ledger:admin'] } });
    expect(r.statusCode).toBe(403);
  });

  it('invite a member, accept, switch organisation, roles limit what a viewer can do', async () => {
    const inviteeEmail = `viewer-${Date.now()}@test.tradelane.dev`;
    const inv = await rt.app.inject({ method: 'POST', url: '/v1/organisation/invitations', headers: a.headers, payload: { email: inviteeEmail, role: 'viewer' } });
    expect(inv.statusCode).toBe(201);
    expect(inv.json().token).toBeUndefined();
    const mail = await rt.db.one(`SELECT payload FROM jobs WHERE kind = 'email.send' AND payload->>'to' = $1`, [inviteeEmail]);
    const token = /invitation token: (\S+),/.exec(mail.payload.text)![1];
    const signup = await rt.app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email: inviteeEmail, password: 'viewer password 1', name: 'Vic Viewer' } });
    const cookie = String(signup.headers['set-cookie']).split(';')[0];
    const acc = await rt.app.inject({ method: 'POST', url: '/v1/invitations/accept', headers: { cookie }, payload: { token } });
    expect(acc.statusCode).toBe(200);
    const sw = await rt.app.inject({ method: 'POST', url: '/v1/session/organisation', headers: { cookie }, payload: { org_id: a.orgId } });
    expect(sw.statusCode).toBe(200);
    const me = await rt.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    expect(me.json().role).toBe('viewer');
    expect((await rt.app.inject({ method: 'GET', url: '/v1/organisation/members', headers: { cookie } })).statusCode).toBe(200);
    expect((await rt.app.inject({ method: 'POST', url: '/v1/api-keys', headers: { cookie }, payload: { name: 'x', scopes: ['orders:read'] } })).statusCode).toBe(403);
    expect((await rt.app.inject({ method: 'GET', url: '/v1/audit', headers: { cookie } })).statusCode).toBe(403);
    // cannot switch into an organisation one does not belong to
    const bad = await rt.app.inject({ method: 'POST', url: '/v1/session/organisation', headers: { cookie }, payload: { org_id: b.orgId } });
    expect(bad.statusCode).toBe(404);
  });

  it('audit log records actor, action, entity and diff; admins only', async () => {
    await rt.app.inject({ method: 'PATCH', url: '/v1/organisation', headers: a.headers, payload: { name: 'Renamed Seller' } });
    const audit = await rt.app.inject({ method: 'GET', url: '/v1/audit?action=organisation.update', headers: a.headers });
    const entry = audit.json().data[0];
    expect(entry.entity_id).toBe(a.orgId);
    expect(entry.diff.name[1]).toBe('Renamed Seller');
    expect(entry.actor_api_key_id).toMatch(/^key_/);
    const other = await rt.app.inject({ method: 'GET', url: '/v1/audit', headers: b.headers });
    expect(JSON.stringify(other.json())).not.toContain(a.orgId);
  });

  it('an organisation needs at least one owner', async () => {
    const r = await rt.app.inject({ method: 'DELETE', url: `/v1/organisation/members/${a.userId}`, headers: { cookie: a.cookie } });
    expect(r.statusCode).toBe(409);
  });
});
