// The one normalised order model every sales-channel adapter produces.
// Money is always integer minor units of `currency` (exponent from ISO 4217 via `currency-codes`).

export type ChannelName = 'shopify' | 'woocommerce' | 'amazon' | 'ebay' | 'csv' | 'api' | 'storefront';

export type PaymentStatus =
  | 'pending'
  | 'authorized'
  | 'paid'
  | 'partially_paid'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'failed'
  | 'unknown';

export type FulfilmentStatus = 'unfulfilled' | 'partially_fulfilled' | 'fulfilled' | 'unknown';

export interface ChannelTaxLine {
  title: string;
  /** Fraction, e.g. 0.06 for 6 %; null when the channel does not state the rate. */
  rate: number | null;
  /** Minor units. */
  amount: number;
}

export interface ChannelBuyer {
  name: string;
  email?: string;
  /** E.164 when it could be normalised, otherwise the channel's string verbatim. */
  phone?: string;
}

export interface ChannelAddress {
  name: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postcode?: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  phone?: string;
}

export interface ChannelOrderLine {
  externalLineId: string;
  sku: string;
  title: string;
  quantity: number;
  /** Minor units per unit, before order-level discounts. */
  unitPrice: number;
  /** Minor units for the whole line as the channel states it (quantity × unit price unless the channel rounds). */
  lineTotal: number;
  currency: string;
  taxLines: ChannelTaxLine[];
}

export interface ChannelTotals {
  /** Sum of line totals before order discounts. */
  subtotal: number;
  shipping: number;
  tax: number;
  /** Positive number: the amount taken off. */
  discount: number;
  total: number;
}

export interface ChannelOrder {
  channel: ChannelName;
  externalId: string;
  externalNumber: string;
  /** UTC ISO 8601 (`...Z`). */
  createdAt: string;
  buyer: ChannelBuyer;
  /** null when the channel withholds the address (e.g. Amazon without the PII role) or the order is not shipped. */
  shipTo: ChannelAddress | null;
  lines: ChannelOrderLine[];
  totals: ChannelTotals;
  /** true when line prices already include tax (Shopify `taxes_included`, WooCommerce `prices_include_tax`). */
  taxesIncluded: boolean;
  /** Order-level tax breakdown when the channel gives one. */
  taxLines: ChannelTaxLine[];
  currency: string;
  paymentStatus: PaymentStatus;
  fulfilmentStatus: FulfilmentStatus;
  cancelled: { at: string | null; reason: string | null } | null;
  tags: string[];
  note: string;
  /** The channel payload, verbatim (same object identity as the input). */
  raw: unknown;
}

export interface Issue {
  /** JSON-ish path into the input, or `row N` for CSV. */
  path: string;
  code: string;
  message: string;
  /** 1-based physical line in the source file (CSV imports only). */
  line?: number;
}

export type AdapterResult<T> =
  | { ok: true; value: T; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };
