/** Shapes of the catalogue API as the console uses them. */
export type ListingStatus = 'allowed' | 'allowed_with_conditions' | 'blocked';

export interface LocaleContent { title: string; description?: string; bullets?: string[] }
export interface Sku {
  id: string; code: string; options: Record<string, string>; hs_code: string | null; hs_edition: string | null; hs_source: string | null; hs_description: string | null;
  national_codes: Record<string, string>; weight_grams: number | null; dims_mm: { l: number; w: number; h: number } | null; prices: Record<string, number>;
}
export interface Reason { sku: string; rule_id: string; effect: 'block' | 'condition'; en: string; zh: string; source: string; as_of: string; satisfied_by?: string[][] }
export interface Listing { id: string; market: string; active: boolean; status: ListingStatus; rule_ids: string[]; reasons: Reason[]; checked_at: string }
export interface Certificate { id: string; type: string; issuer: string; number: string; markets: string[]; expiry: string | null; document_url: string | null }
export type Compliance = Record<string, boolean | string | null>;
export interface Product {
  id: string; handle: string | null; brand: string | null; origin_country: string | null; status: string;
  content: Record<string, LocaleContent>; attributes: Record<string, string | number | boolean>; compliance: Compliance;
  images: { document_id: string; url: string; alt: string | null }[]; skus: Sku[];
  listings?: Listing[] | { market: string; status: ListingStatus }[]; certificates?: Certificate[]; updated_at: string;
}

export const COMPLIANCE_FLAGS = ['liquid', 'magnet', 'powder', 'food_contact', 'cosmetic', 'medical', 'radio_equipment', 'childrens', 'electrical', 'food'] as const;
export const LITHIUM = ['UN3480', 'UN3481', 'UN3090', 'UN3091'] as const;

export function statusTone(s: ListingStatus | null | undefined): 'success' | 'warning' | 'danger' | 'neutral' {
  return s === 'allowed' ? 'success' : s === 'allowed_with_conditions' ? 'warning' : s === 'blocked' ? 'danger' : 'neutral';
}
