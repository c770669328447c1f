import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { DemoOrgs } from '../module.ts';
import type { QuoteInput } from './inputs.ts';
import { quote } from './service.ts';

/** Four typical consignments of the demo seller (Shenzhen electronics), one per regime. */
export const DEMO_QUOTES: QuoteInput[] = [
  {
    reference: 'demo: EU IOSS consignment to Germany', destination_country: 'DE', origin_country: 'CN', date: '2026-11-21', sale_currency: 'EUR', incoterm: 'DDP',
    registrations: { EU_IOSS: 'IM1560000001' }, shipping: 499, transport_mode: 'postal',
    lines: [
      { sku: 'LM-CASE-IP15-CLR', description: 'Phone case, clear', hs_code: '3926.90', national_extension: '97', quantity: 2, unit_value: 1199, unit_weight_kg: 0.032 },
      { sku: 'LM-EB-P2-WHT', description: 'Wireless earbuds', hs_code: '8518.30', national_extension: '00', quantity: 1, unit_value: 3299, unit_weight_kg: 0.048 },
    ],
  },
  {
    reference: 'demo: UK consignment under GBP 135', destination_country: 'GB', origin_country: 'CN', date: '2026-11-21', sale_currency: 'GBP', incoterm: 'DDP',
    registrations: { GB_VAT: 'GB123456789' }, shipping: 399, transport_mode: 'postal',
    lines: [
      { sku: 'LM-EB-P2-BLK', description: 'Wireless earbuds', hs_code: '8518300090', quantity: 1, unit_value: 2899, unit_weight_kg: 0.048 },
      { sku: 'LM-SPAT5-GRY', description: 'Silicone spatula set', hs_code: '3924100090', quantity: 1, unit_value: 1499, unit_weight_kg: 0.35 },
    ],
  },
  {
    reference: 'demo: US after de minimis', destination_country: 'US', origin_country: 'CN', date: '2026-11-21', sale_currency: 'USD', incoterm: 'DDP', shipping: 1200, transport_mode: 'courier',
    lines: [
      { sku: 'LM-PB-10K-WHT', description: 'Power bank 10,000 mAh', hs_code: '8507.60.00.20', quantity: 1, unit_value: 2599, unit_weight_kg: 0.21 },
      { sku: 'LM-CABLE-C2C-2M', description: 'USB-C cable 2 m', hs_code: '8544.42.90.90', quantity: 2, unit_value: 1199, unit_weight_kg: 0.06 },
    ],
  },
  {
    reference: 'demo: Australia GST at checkout', destination_country: 'AU', origin_country: 'CN', date: '2026-11-21', sale_currency: 'AUD', incoterm: 'DDP',
    registrations: { AU_GST: '51824753556' }, shipping: 1500, transport_mode: 'postal',
    lines: [
      { sku: 'LM-LAMP-D1', description: 'LED desk lamp', hs_code: '9405.21', quantity: 1, unit_value: 6999, unit_weight_kg: 1.1, duty_rate_override: { ad_valorem_pct: '5', reason: 'Australian Customs Tariff 9405.21 general rate 5% (demo)' } },
    ],
  },
];

export async function landedCostDemo(s: Services, orgs: DemoOrgs) {
  const seller = orgs.seller;
  if (!seller) return;
  const ctx = systemContext(seller.orgId, 'seller', 'demo');
  await s.db.transaction(async (tx) => {
    for (const q of DEMO_QUOTES) await quote(tx, ctx, q);
  });
}
