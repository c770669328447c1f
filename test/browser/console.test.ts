/**
 * The console in a real browser: the server runs in this process (PGlite in a temp directory,
 * demo data seeded), serves the freshly built web/dist, and Chromium drives it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/kernel/crypto.ts';
import { openPglite } from '../../src/kernel/db.ts';
import { demoEmail, demoPassword, seedDemo } from '../../src/demo.ts';
import { totp } from '../../src/modules/identity/totp.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let rt: Runtime;
let baseUrl: string;
let context: BrowserContext;
const scratch: string[] = [];

function tempDir(prefix: string) {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

beforeAll(async () => {
  // The server serves whatever web/dist holds, so make sure it is built from the current sources.
  execFileSync(process.execPath, [join(root, 'scripts/ensure-web.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  expect(existsSync(join(root, 'web/dist/index.html'))).toBe(true);

  const dataDir = tempDir('tradelane-browser-');
  rt = await createRuntime({
    db: await openPglite(join(dataDir, 'db')),
    log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    secrets: new SecretBox(randomBytes(32)),
    config: { dataDir, rateLimitPerMinute: 1_000_000, rateLimitPerMinuteIp: 1_000_000, publicUrl: 'http://127.0.0.1' },
  });
  await seedDemo(rt, rt.modules);
  rt.startWorkers();
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const address = rt.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  baseUrl = `http://127.0.0.1:${address.port}`;

  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  context = await chromium.launchPersistentContext(tempDir('tradelane-chromium-'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'en-GB',
    viewport: { width: 1280, height: 860 },
  });
});

afterAll(async () => {
  await context?.close();
  await rt?.close();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** A fresh tab with no session (the browser profile is shared between tests). */
async function newPage(): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept()); // confirm() on destructive actions
  return page;
}

async function signIn(page: Page, kind: string) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name="email"]').fill(demoEmail(kind));
  await page.locator('input[name="password"]').fill(demoPassword(kind));
  await page.locator('form button[type="submit"]').click();
  // Signed in: the console's top bar with the organisation switcher appears.
  await page.locator('select[name="organisation"]').waitFor();
}

async function chooseLanguage(page: Page, code: 'en' | 'zh-CN' | 'ar') {
  await page.locator('select[name="language"]').selectOption(code);
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
}

describe('console', () => {
  it('signs in, switches to Chinese (remembered), creates an API key that works and is listed', async () => {
    const page = await newPage();
    await signIn(page, 'seller');
    await chooseLanguage(page, 'en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Welcome');

    await page.locator('select[name="language"]').selectOption({ label: '中文' });
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    await page.getByRole('heading', { level: 1, name: /欢迎/ }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '成员与角色' }).waitFor();

    // Remembered in the browser and on the profile.
    await page.reload();
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    const me = await (await page.request.get(`${baseUrl}/v1/me`)).json();
    expect(me.user.locale).toBe('zh-CN');

    // Arabic turns the page right-to-left.
    await chooseLanguage(page, 'ar');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await chooseLanguage(page, 'zh-CN');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');

    // Create an API key with two scopes.
    await page.getByRole('navigation').getByRole('link', { name: 'API 密钥' }).click();
    await page.getByRole('heading', { level: 1, name: 'API 密钥' }).waitFor();
    await page.getByRole('button', { name: '新建 API 密钥' }).click();
    await page.locator('input[name="api-key-name"]').fill('ERP sync');
    await page.locator('input[name="scope-identity"][value="read"]').check();
    await page.locator('input[name="scope-orders"][value="write"]').check();
    await page.getByRole('button', { name: '创建密钥' }).click();

    const secret = page.getByTestId('secret-value');
    await secret.waitFor();
    const key = (await secret.textContent())!.trim();
    expect(key).toMatch(/^tlk_[0-9A-Z]{26}\.[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: '复制' }).waitFor(); // copy button beside the once-shown key

    const listed = page.getByTestId('api-key-name').filter({ hasText: 'ERP sync' });
    await listed.waitFor();
    await expect(page.locator('code.chip', { hasText: 'orders:write' }).count()).resolves.toBeGreaterThan(0);

    // The key shown is a real one: it authenticates against the API.
    const res = await fetch(`${baseUrl}/v1/organisation`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe('Shenzhen Lumen Electronics Co., Ltd.');

    // After "I have saved it" the key is gone from the page for good.
    await page.getByRole('button', { name: '我已保存' }).click();
    await expect(page.getByTestId('secret-value').count()).resolves.toBe(0);
    await page.close();
  });

  it('invites a member by e-mail and lists the open invitation', async () => {
    const page = await newPage();
    await signIn(page, 'seller');
    await chooseLanguage(page, 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Members & roles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members & roles' }).waitFor();
    // The demo owner is listed as a member.
    await page.getByRole('cell', { name: /Li Wei/ }).waitFor();

    await page.locator('input[name="invite-email"]').fill('new.colleague@example.com');
    await page.locator('select[name="invite-role"]').selectOption('viewer');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to new.colleague@example.com.').waitFor();

    const row = page.getByRole('row').filter({ has: page.getByTestId('invitation-email').filter({ hasText: 'new.colleague@example.com' }) });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/Viewer.*Open/);

    // A wrong address comes back as a field error next to the field.
    await page.locator('input[name="invite-email"]').fill('not-an-email');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator('.field-invalid input[name="invite-email"]').waitFor();
    await page.close();
  });

  it('adds a webhook endpoint, shows its secret once and opens its delivery log', async () => {
    const page = await newPage();
    await signIn(page, 'seller');
    await chooseLanguage(page, 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    await page.locator('input[name="webhook-url"]').fill('http://127.0.0.1:9/hooks');
    await page.locator('input[name="event-type"]').fill('identity.*');
    await page.locator('input[name="event-type"]').press('Enter');
    await page.locator('form').getByRole('button', { name: 'Add endpoint' }).click();
    const secret = page.getByTestId('secret-value');
    await secret.waitFor();
    expect((await secret.textContent())!.trim()).toMatch(/^whsec_/);
    await page.getByRole('link', { name: 'http://127.0.0.1:9/hooks' }).click();
    await page.getByRole('heading', { level: 2, name: 'Delivery log' }).waitFor();
    await page.close();
  });
  it('signs up with an organisation kind, creates and switches organisations, turns on two-factor and signs in with a TOTP code', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/signup`);
    await chooseLanguage(page, 'en');
    await page.getByLabel('Your name').fill('Ada Supplier');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Organisation name').fill('Ada Components Ltd');
    await page.getByLabel('Organisation type').selectOption('supplier');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The server's password rule comes back next to the password field.
    await page.locator('.field-invalid').getByLabel('Password').waitFor();
    await page.getByLabel('Password').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Ada Supplier' }).waitFor();
    await expect(page.locator('select[name="organisation"] option:checked').textContent()).resolves.toContain('Ada Components Ltd — Supplier');

    // A second organisation: created from the switcher, which then moves between the two.
    await page.locator('select[name="organisation"]').selectOption('__new');
    await page.getByRole('heading', { level: 1, name: 'New organisation' }).waitFor();
    await page.getByLabel('Organisation name').fill('Ada Freight Desk');
    await page.getByLabel('Organisation type').selectOption('carrier');
    await page.getByLabel('Country').fill('gb');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Ada Supplier' }).waitFor();
    await page.getByText('You are working in Ada Freight Desk.').waitFor();
    await page.locator('select[name="organisation"]').selectOption({ label: 'Ada Components Ltd — Supplier' });
    await page.getByText('You are working in Ada Components Ltd.').waitFor();
    const current = await (await page.request.get(`${baseUrl}/v1/me`)).json();
    expect(current.organisations.map((o: { name: string }) => o.name).sort()).toEqual(['Ada Components Ltd', 'Ada Freight Desk']);
    expect(current.organisations.find((o: { id: string }) => o.id === current.current_org_id).name).toBe('Ada Components Ltd');

    // Two-factor setup shows the otpauth URI as text and as a QR code.
    await page.goto(`${baseUrl}/profile`);
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const uri = (await page.getByTestId('otpauth-uri').textContent())!;
    expect(uri).toMatch(/^otpauth:\/\/totp\/Tradelane:ada%40example\.com\?secret=[A-Z2-7]+/);
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' }).getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
    const secret = new URL(uri).searchParams.get('secret')!;
    await page.getByLabel('6-digit code').fill(totp(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Two-factor sign-in is on.').first().waitFor();

    // Signing in now asks for the code.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name="email"]').waitFor();
    await page.locator('input[name="email"]').fill('ada@example.com');
    await page.locator('input[name="password"]').fill('a-long-enough-password');
    await page.locator('form button[type="submit"]').click();
    await page.getByRole('heading', { name: 'Two-factor verification' }).waitFor();
    await page.getByLabel('6-digit code').fill('000000' === totp(secret) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: /wrong|expired/ }).waitFor();
    // the code that turned 2FA on cannot be replayed: use the next time step's code
    await page.getByLabel('6-digit code').fill(totp(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Back where the user signed out from (the login page carried ?next=/profile).
    await page.getByRole('heading', { level: 1, name: 'Your profile' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/profile');
    await page.close();
  });
});
