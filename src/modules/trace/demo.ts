import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import { publishCheckpoint, sequenceAll } from './log.ts';
import { logKeys } from './routes.ts';
import { appendRecord, createPassport, registerTrademark } from './service.ts';

/** Append the GS1 mod-10 check digit. */
export function withCheckDigit(body: string): string {
  const padded = body.padStart(13, '0');
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(padded[i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

export const DEMO_GTIN = withCheckDigit('694123450017'); // GS1 China prefix 690–699
export const DEMO_BATCH = 'LD2611-A';

/**
 * A product batch of the demo seller with its whole life on the log: trademark, passport,
 * production, QC, certification, shipment and delivery, with a checkpoint published between steps.
 */
export async function traceDemo(s: Services, orgs: DemoOrgs) {
  const seller = orgs.seller;
  if (!seller) return;
  const ctx = systemContext(seller.orgId, 'seller', 'demo');
  const keys = logKeys(s);
  const checkpoint = async () => { await sequenceAll(s.db, keys); await publishCheckpoint(s.db); };

  const passport = await s.db.transaction(async (tx) => {
    await registerTrademark(tx, ctx, { mark: 'LUMEN', office: 'CNIPA', registration_number: '58213764', classes: [9, 11], gtin_prefixes: ['69412345'] });
    return createPassport(tx, ctx, s.config.publicUrl, {
      gtin: DEMO_GTIN,
      batch: DEMO_BATCH,
      product: {
        name: 'Lumen Arc LED desk lamp, 12 W', brand: 'LUMEN', origin_country: 'CN', manufacturer: seller.name,
        facility: 'Bao\'an District plant, Shenzhen', produced_on: '2026-11-02', materials: ['aluminium 6063', 'PC diffuser', 'RoHS-compliant PCB'],
        description: 'Dimmable LED desk lamp, 2700–6500 K, USB-C powered.',
      },
      certifications: [
        { type: 'CE (LVD/EMC)', number: 'CE-LUM-2026-0412', issuer: 'TÜV Rheinland', valid_until: '2029-04-30' },
        { type: 'RoHS', number: 'ROHS-26-88731', issuer: 'SGS Shenzhen', valid_until: '2028-12-31' },
      ],
    });
  });
  await checkpoint();
  const steps: [string, Record<string, string | number>, unknown][] = [
    ['product.batch.produced', { units: 1200, line: 'Line 3', stage: 'production' }, { batch: DEMO_BATCH, units: 1200, line: 'Line 3', shift: 'B', started: '2026-11-02T00:30:00Z', finished: '2026-11-03T16:10:00Z' }],
    ['product.qc.passed', { sample: 80, defects: 0, aql: '1.0', stage: 'quality control' }, { standard: 'ISO 2859-1 AQL 1.0', sample: 80, defects: 0, inspector: 'QC-07', report: 'QC-2611-A-001' }],
    ['product.certification.verified', { certificate: 'CE-LUM-2026-0412', issuer: 'TÜV Rheinland', stage: 'certification' }, { certificate: 'CE-LUM-2026-0412', scope: 'EN 60598-1, EN 55015', checked_by: 'seller compliance' }],
    ['shipment.dispatched', { carrier: 'Pacific Bridge Logistics', mode: 'sea', route: 'CNSZX→DEHAM', stage: 'shipment' }, { container: 'PBLU 204871 3', vessel: 'Ever Gentle', booking: 'PB-77120' }],
    ['shipment.delivered', { place: 'Hamburg, DE', stage: 'delivery' }, { receiver: 'Rhein Fulfilment GmbH', pod: 'POD-HAM-55421', cartons: 100 }],
  ];
  for (const [i, [type, meta, content]] of steps.entries()) {
    await s.db.transaction((tx) => appendRecord(tx, ctx, { type, subjectId: passport.id, content, storeContent: true, publicMetadata: meta }));
    if (i % 2 === 1 || i === steps.length - 1) await checkpoint();
  }
  s.log.info({ passport: passport.id, url: passport.url }, 'demo product passport');
}
