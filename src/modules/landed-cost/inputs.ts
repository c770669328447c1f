import { z } from 'zod';

// API input for a quote: the engine's LandedCostInput in the API's snake_case. Money is integer
// minor units of `sale_currency`; every amount in one quote is in that one currency.
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code, e.g. "DE"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code, e.g. "EUR"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date yyyy-mm-dd').refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')), 'not a calendar date');
const minor = z.number().int('must be an integer number of minor units').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
const percent = z.union([z.string().regex(/^\d+(\.\d+)?$/, 'a percentage like "5" or "12.5"'), z.number().min(0)]);

export const REGISTRATION_KEYS = ['EU_IOSS', 'GB_VAT', 'AU_GST', 'NZ_GST', 'NO_VOEC', 'CH_VAT', 'SG_GST'] as const;

export const quoteLineSchema = z.strictObject({
  /** the seller's SKU code (kept with the quote, not used by the engine) */
  sku: z.string().max(100).optional(),
  description: z.string().max(300).optional(),
  /** HS code, 6 digits or more with the national extension (dots and spaces allowed) */
  hs_code: z.string().regex(/^\d[\d. ]{5,15}$/, 'an HS code of at least 6 digits, e.g. "6109.10" or "6109100012"'),
  /** national extension digits appended to a 6-digit hs_code (alternative to giving the full code) */
  national_extension: z.string().regex(/^\d{1,4}$/, '1–4 digits').optional(),
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000),
  /** customs value (price) per unit, integer minor units */
  unit_value: minor,
  /** currency of unit_value; when given it must equal sale_currency (one currency per quote) */
  currency: currency.optional(),
  unit_weight_kg: z.number().positive('must be more than 0').max(100_000).optional(),
  unit_volume_litres: z.number().positive('must be more than 0').max(100_000).optional(),
  origin_country: country.optional(),
  preferential_origin_claim: z.boolean().optional(),
  duty_rate_override: z.strictObject({ ad_valorem_pct: percent, reason: z.string().min(1).max(300) }).optional(),
  tax_rate_pct: percent.optional(),
  duty_surcharge_pct: percent.optional(),
});

export const quoteInputSchema = z.strictObject({
  /** your reference (cart, checkout or order id) */
  reference: z.string().max(200).optional(),
  destination_country: country,
  destination_subdivision: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'an ISO 3166-2 code, e.g. "CA-ON"').optional(),
  origin_country: country,
  ship_from_country: country.optional(),
  /** quote date (rules in force that day); default today (UTC) */
  date: isoDate.optional(),
  sale_currency: currency,
  lines: z.array(quoteLineSchema).min(1, 'at least one line').max(500),
  shipping: minor.optional(),
  insurance: minor.optional(),
  incoterm: z.enum(['DDP', 'DAP']),
  transport_mode: z.enum(['postal', 'courier', 'air', 'ocean', 'road']).optional(),
  buyer_type: z.enum(['consumer', 'business']).optional(),
  registrations: z.partialRecord(z.enum(REGISTRATION_KEYS), z.string().min(1).max(40)).optional(),
  marketplace: z.boolean().optional(),
  /** FX snapshot to use (see GET /v1/landed-cost/fx-snapshots) … */
  fx_snapshot_id: z.string().min(1).max(100).optional(),
  /** … or the newest snapshot on or before this date; default the quote date */
  fx_date: isoDate.optional(),
  /** US postal 2025-08-29…2026-02-28: effective IEEPA rate of the origin, for the per-item specific duty */
  us_postal_ieepa_rate_pct: percent.optional(),
});
export type QuoteInput = z.input<typeof quoteInputSchema>;

export const marginsQuerySchema = z.strictObject({
  /** destination country, e.g. DE, GB, US, AU */
  market: country,
  /** catalogue SKU codes, comma-separated */
  skus: z.string().min(1, 'name the SKUs, e.g. skus=LM-CASE-IP15-CLR,LM-EB-P2-WHT').max(5000)
    .transform((s) => [...new Set(s.split(',').map((c) => c.trim()).filter(Boolean))])
    .refine((a) => a.length >= 1 && a.length <= 100, '1–100 SKU codes'),
  /** price currency; default the destination's currency */
  currency: currency.optional(),
  /** shipping cost per unit, minor units of the currency; default 0 */
  shipping: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  incoterm: z.enum(['DDP', 'DAP']).default('DDP'),
  /** registrations the seller holds, comma-separated keys (EU_IOSS, GB_VAT, AU_GST …) */
  registrations: z.string().max(200).optional()
    .transform((s) => (s ? s.split(',').map((k) => k.trim()).filter(Boolean) : []))
    .refine((a) => a.every((k) => (REGISTRATION_KEYS as readonly string[]).includes(k)), `registration keys: ${REGISTRATION_KEYS.join(', ')}`),
  /** origin for SKUs whose product has none */
  origin: country.optional(),
  date: isoDate.optional(),
});
export type MarginsQuery = z.output<typeof marginsQuerySchema>;
