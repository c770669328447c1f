// Input shapes and semantic validation shared by the JSON API and the CSV import. Shapes are
// checked by zod at the edge; here we check meaning (known HS code, units, currencies, locales)
// and collect every problem as a field error, so a form or an import row reports all at once.

import { z } from 'zod';
import { validateHsCode, validateNationalCode } from '../../engines/hs/index.ts';
import type { ProductAttributes } from '../../engines/market-access/index.ts';
import type { FieldError } from '../../kernel/errors.ts';
import { assertMinor, isCurrency } from '../../kernel/money.ts';
import { catalogData } from './data.ts';
import { LENGTH_UNITS, toGrams, toMillimetres, UnitError, WEIGHT_UNITS } from './units.ts';

/** Locales whose title must be present before a product may be listed in any market. */
export const REQUIRED_LOCALES = ['en', 'zh-CN'] as const;

export const LITHIUM_UN = ['UN3480', 'UN3481', 'UN3090', 'UN3091'] as const;

/** API (snake_case) ⇄ engine (camelCase) names of the compliance flags. */
export const COMPLIANCE_FLAGS = {
  liquid: 'liquid', magnet: 'magnet', powder: 'powder', food_contact: 'foodContact', cosmetic: 'cosmetic', medical: 'medical',
  radio_equipment: 'radioEquipment', childrens: 'childrens', electrical: 'electrical', food: 'food',
} as const satisfies Record<string, keyof ProductAttributes>;
export type ComplianceFlag = keyof typeof COMPLIANCE_FLAGS;

const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. CN');
const decimal = z.union([z.number(), z.string().max(30)]);

export const localeContent = z.strictObject({
  title: z.string().trim().max(300),
  description: z.string().max(20_000).optional(),
  bullets: z.array(z.string().trim().min(1).max(500)).max(20).optional(),
});

export const complianceInput = z.strictObject({
  lithium_battery: z.enum(LITHIUM_UN).nullable().optional(),
  ...Object.fromEntries(Object.keys(COMPLIANCE_FLAGS).map((k) => [k, z.boolean().optional()])) as Record<ComplianceFlag, z.ZodOptional<z.ZodBoolean>>,
});
export type ComplianceInput = z.infer<typeof complianceInput>;

const attributeValue = z.union([z.string().max(500), z.number(), z.boolean()]);

export const skuInput = z.strictObject({
  code: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._\-\/]*$/, 'letters, digits and . _ - /'),
  options: z.record(z.string().min(1).max(50), z.string().max(200)).optional(),
  hs_code: z.string().max(20).nullable().optional(),
  national_codes: z.record(z.string().regex(/^[A-Z]{2}$/, 'market code'), z.string().max(20)).optional(),
  weight: z.strictObject({ value: decimal, unit: z.string().max(10) }).nullable().optional(),
  dimensions: z.strictObject({ length: decimal, width: decimal, height: decimal, unit: z.string().max(10) }).nullable().optional(),
  prices: z.record(z.string(), z.number()).optional(),
});
export type SkuInput = z.infer<typeof skuInput>;

export const productInput = z.strictObject({
  handle: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._\-]*$/, 'letters, digits and . _ -').optional(),
  brand: z.string().trim().max(200).optional(),
  origin_country: country.optional(),
  content: z.record(z.string().max(35), localeContent),
  attributes: z.record(z.string().min(1).max(50), attributeValue).optional(),
  compliance: complianceInput.optional(),
  available_from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
  skus: z.array(skuInput).max(200).optional(),
});
export type ProductInput = z.infer<typeof productInput>;

export const productPatch = productInput.omit({ skus: true }).partial();
export type ProductPatch = z.infer<typeof productPatch>;

export const skuPatch = skuInput.partial();
export type SkuPatch = z.infer<typeof skuPatch>;

/** Canonical BCP 47 tag ("zh-cn" → "zh-CN"), or null when it is not a valid tag. */
export function canonicalLocale(tag: string): string | null {
  try {
    const [c] = Intl.getCanonicalLocales(tag);
    return c ?? null;
  } catch {
    return null;
  }
}

export type Content = Record<string, { title: string; description?: string; bullets?: string[] }>;

export function checkContent(content: Record<string, z.infer<typeof localeContent>>, errors: FieldError[], prefix = 'content'): Content {
  const out: Content = {};
  for (const [tag, c] of Object.entries(content)) {
    const locale = canonicalLocale(tag);
    if (!locale) {
      errors.push({ field: `${prefix}.${tag}`, message: `"${tag}" is not a BCP 47 language tag (e.g. en, zh-CN, de-DE)` });
      continue;
    }
    if (out[locale]) errors.push({ field: `${prefix}.${tag}`, message: `content for ${locale} is given twice` });
    if (!c.title) errors.push({ field: `${prefix}.${locale}.title`, message: `a title is needed for ${locale}` });
    out[locale] = { title: c.title, ...(c.description ? { description: c.description } : {}), ...(c.bullets?.length ? { bullets: c.bullets } : {}) };
  }
  if (!out.en?.title && !errors.some((e) => e.field === `${prefix}.en.title`)) errors.push({ field: `${prefix}.en.title`, message: 'an English title is required' });
  return out;
}

/** Field errors for the locales a listing needs (en and zh-CN titles). */
export function missingListingLocales(content: Content, prefix = 'content'): FieldError[] {
  return REQUIRED_LOCALES.filter((l) => !content[l]?.title?.trim()).map((l) => ({
    field: `${prefix}.${l}.title`,
    message: `a ${l === 'en' ? 'English (en)' : 'Simplified Chinese (zh-CN)'} title is required before the product can be listed`,
  }));
}

export function complianceToEngine(c: ComplianceInput | undefined | null): ProductAttributes {
  const out: ProductAttributes = {};
  if (!c) return out;
  if (c.lithium_battery) out.lithiumBattery = c.lithium_battery;
  for (const [api, engine] of Object.entries(COMPLIANCE_FLAGS)) if (c[api as ComplianceFlag]) (out as any)[engine] = true;
  return out;
}

export function complianceFromEngine(a: ProductAttributes): ComplianceInput {
  const out: ComplianceInput = { lithium_battery: a.lithiumBattery ?? null };
  for (const [api, engine] of Object.entries(COMPLIANCE_FLAGS)) out[api as ComplianceFlag] = Boolean((a as any)[engine]);
  return out;
}

export interface CheckedHs {
  code: string;
  edition: string;
  description: string;
}

/** A declarable HS 2022 code (6-digit subheading, or a heading without subheadings). */
export function checkHsCode(input: string, field: string, errors: FieldError[]): CheckedHs | null {
  const { nomenclature } = catalogData();
  const v = validateHsCode(nomenclature, input);
  if (!v.valid) {
    errors.push({ field, message: v.reason === 'format' ? `"${input}" is not an HS code: ${v.message}` : `HS code ${v.code} does not exist in ${nomenclature.edition}` });
    return null;
  }
  if (!v.isLeaf) {
    errors.push({ field, message: `HS ${v.code} is a ${v.level === 2 ? 'chapter' : 'heading'}, not a declarable code; choose one of its subheadings (${v.node.children.slice(0, 5).join(', ')}${v.node.children.length > 5 ? ' …' : ''})` });
    return null;
  }
  return { code: v.code, edition: nomenclature.edition, description: v.node.description };
}

export interface CheckedSku {
  code: string;
  options: Record<string, string>;
  hs: CheckedHs | null;
  nationalCodes: Record<string, string>;
  weightGrams: number | null;
  dimsMm: { l: number; w: number; h: number } | null;
  prices: Record<string, number>;
}

/** Validate one SKU; `hsFallback` is the stored HS code when a patch leaves it out. */
export function checkSku(input: SkuInput, prefix: string, errors: FieldError[]): CheckedSku {
  const { nomenclature, nationalFormats } = catalogData();
  const hs = input.hs_code ? checkHsCode(input.hs_code, `${prefix}hs_code`, errors) : null;
  const nationalCodes: Record<string, string> = {};
  for (const [market, code] of Object.entries(input.national_codes ?? {})) {
    const v = validateNationalCode(nomenclature, nationalFormats, market, code);
    const field = `${prefix}national_codes.${market}`;
    if (!v.valid) errors.push({ field, message: `${market} code "${code}": ${v.message}` });
    else if (!hs) errors.push({ field, message: 'a national code needs the SKU\'s HS code as well' });
    else if (v.hs6 !== hs.code.padEnd(6, '0')) errors.push({ field, message: `${market} code ${v.code} starts with ${v.hs6}, but the SKU's HS code is ${hs.code}` });
    else nationalCodes[market] = v.code;
  }
  let weightGrams: number | null = null;
  if (input.weight) {
    try {
      weightGrams = toGrams(input.weight.value, input.weight.unit);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      errors.push({ field: `${prefix}weight`, message: `${e.message} (units: ${WEIGHT_UNITS.join(', ')})` });
    }
  }
  let dimsMm: CheckedSku['dimsMm'] = null;
  if (input.dimensions) {
    const d = input.dimensions;
    try {
      dimsMm = { l: toMillimetres(d.length, d.unit), w: toMillimetres(d.width, d.unit), h: toMillimetres(d.height, d.unit) };
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      errors.push({ field: `${prefix}dimensions`, message: `${e.message} (units: ${LENGTH_UNITS.join(', ')})` });
    }
  }
  const prices: Record<string, number> = {};
  for (const [cur, amount] of Object.entries(input.prices ?? {})) {
    const field = `${prefix}prices.${cur}`;
    if (!isCurrency(cur)) errors.push({ field, message: `"${cur}" is not an ISO 4217 currency code` });
    else if (!Number.isSafeInteger(amount) || amount < 0) errors.push({ field, message: 'a price is a non-negative integer number of minor units (cents, fen …)' });
    else prices[cur] = assertMinor(amount, field);
  }
  return { code: input.code, options: input.options ?? {}, hs, nationalCodes, weightGrams, dimsMm, prices };
}
