/**
 * The catalogue in a real browser: the demo seller imports a CSV with a bad row, sees the error
 * with its line, fixes the row on the page, checks again and imports; the products then show in
 * the catalogue and through the API. Server in-process (PGlite in a temp directory, demo data).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail, demoPassword, seedDemo } from '../../src/demo.ts';
import { SecretBox } from '../../src/kernel/crypto.ts';
import { openPglite } from '../../src/kernel/db.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let rt: Runtime;
let baseUrl: string;
let context: BrowserContext;
const scratch: string[] = [];
const tempDir = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); scratch.push(d); return d; };

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/ensure-web.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const dataDir = tempDir('tradelane-browser-catalog-');
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
    executablePath: chromiumPath, headless: true, locale: 'en-GB', viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await context?.close();
  await rt?.close();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('catalogue console', () => {
  it('imports a CSV with a bad row: sees the error, fixes the row, checks again and imports', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.locator('input[name="email"]').fill(demoEmail('seller'));
    await page.locator('input[name="password"]').fill(demoPassword('seller'));
    await page.locator('form button[type="submit"]').click();
    await page.locator('select[name="organisation"]').waitFor();
    await page.locator('select[name="language"]').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    // The demo catalogue is there, with its market-access matrix.
    await page.getByRole('navigation').getByRole('link', { name: 'Catalogue' }).click();
    await page.getByTestId('product-title').filter({ hasText: 'Bluetooth 5.3 wireless earbuds' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Market access' }).click();
    await page.getByTestId('compliance-matrix').getByText('Blocked').first().waitFor();

    // A file with a bad row (line 3: HS 999999 does not exist).
    const csv = [
      'product_key,sku,title_en,title_zh-CN,brand,origin_country,hs_code,weight,weight_unit,price_USD,option_colour',
      'BR-MUG,BR-MUG-WHT,Ceramic coffee mug,陶瓷咖啡杯,Lumen Home,CN,691200,350,g,9.99,white',
      'BR-BAG,BR-BAG-1,Canvas tote bag,帆布手提袋,Lumen,CN,999999,180,g,12.50,',
    ].join('\r\n');
    const file = join(tempDir('tradelane-csv-'), 'products.csv');
    writeFileSync(file, '\uFEFF' + csv);
    await page.getByRole('navigation').getByRole('link', { name: 'Import products' }).click();
    await page.getByRole('heading', { level: 1, name: 'Import products' }).waitFor();
    await page.locator('input[name="csv-file"]').setInputFiles(file);
    await page.getByRole('button', { name: 'Check (dry run)' }).click();

    const error = page.getByTestId('import-error').first();
    await error.waitFor();
    expect(await error.textContent()).toMatch(/999999 does not exist in HS 2022/);
    await page.getByRole('cell', { name: '3', exact: true }).first().waitFor(); // the line number

    // Nothing was written by the check.
    const before = await (await page.request.get(`${baseUrl}/v1/catalog/products?q=BR-`)).json();
    expect(before.data).toEqual([]);

    // Fix line 3 on the page and check again.
    const fix = page.locator('input[name="fix-line-3"]');
    expect(await fix.inputValue()).toContain('999999');
    await fix.fill('BR-BAG,BR-BAG-1,Canvas tote bag,帆布手提袋,Lumen,CN,420222,180,g,12.50,');
    await page.getByRole('button', { name: 'Apply fix and check again' }).click();
    await page.getByTestId('import-clean').waitFor();

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-applied').waitFor();
    expect(await page.getByTestId('import-applied').textContent()).toContain('Imported 2 products');

    const after = await (await page.request.get(`${baseUrl}/v1/catalog/products?q=BR-`)).json();
    const skus = after.data.flatMap((p: any) => p.skus.map((s: any) => [s.code, s.hs_code, s.prices.USD]));
    expect(skus.sort()).toEqual([['BR-BAG-1', '420222', 1250], ['BR-MUG-WHT', '691200', 999]]);

    // The imported product opens in the editor with both languages.
    await page.goto(`${baseUrl}/catalog`);
    await page.locator('input[name="q"]').fill('BR-MUG');
    await page.getByTestId('product-title').filter({ hasText: 'Ceramic coffee mug' }).click();
    await page.locator('input[name="title-zh-CN"]').waitFor();
    expect(await page.locator('input[name="title-zh-CN"]').inputValue()).toBe('陶瓷咖啡杯');
    await page.close();
  });
});
