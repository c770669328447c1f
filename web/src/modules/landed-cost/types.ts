// Shapes of the landed-cost API answers the console shows (see docs/landed-cost.md).
export interface Explanation { ruleId: string; rate?: string; base?: number; source: string; asOf: string; confidence?: string; note?: string }
export interface Figure { amount: number; currency: string; explanation: Explanation }
export interface DutyComponent extends Figure { kind: string }
export interface Threshold { ruleId: string | null; applies: boolean; threshold?: Figure; compared?: number; explanation?: Explanation }
export interface Totals { goods: number; transport: number; duty: number; tax: number; fees: number; importCharges: number; payableAtCheckout: number; payableAtImport: number; landedCost: number }
export interface LineQuote {
  index: number; hsCode: string; description?: string;
  tariffLine: { code: string; dataset: string; edition: string; asOf: string; mappedFrom?: string; note?: string } | null;
  goodsValue: number; transportShare: number; customsValue: Figure;
  duty: { amount: number; components: DutyComponent[]; relievedBy?: string };
  fees: Figure[];
  tax: { amount: number; onGoods: number; onTransport: number; collectedAt: string; ratePct: string; base: { goods: number; transport: number; duty: number; fees: number; total: number }; explanation: Explanation; relievedBy?: string };
  total: number;
}
export interface EngineQuote {
  market: string; destinationCountry: string; date: string; destinationCurrency: string; saleCurrency: string;
  fx: { snapshotId: string; source: string; date: string; rule: string; saleToDestination: string } | null;
  valuation: { basis: string; explanation: Explanation };
  intrinsicValue: number;
  lines: LineQuote[];
  deMinimis: { duty: Threshold; tax: Threshold };
  lowValueRegime: { ruleId: string; name: string; eligible: boolean; applies: boolean; registrationKey: string; registered: boolean; explanation: Explanation } | null;
  taxCollection: { collector: string; when: string; note: string };
  dutyCollection: { collector: string; when: string; note: string };
  totals: Totals; totalsInSaleCurrency: Totals;
  rounding: { duty: string; tax: string; source: string };
  review: string[];
  dataSources: { id: string; edition: string; asOf: string; source: string }[];
}
export interface StoredQuote { id: string; reference: string | null; created_at: string; input: Record<string, any>; quote: EngineQuote }
export interface QuoteSummary { id: string; reference: string | null; destination_country: string; market: string; origin_country: string; quote_date: string; sale_currency: string; destination_currency: string; incoterm: string; landed_cost: number; import_charges: number; created_at: string }
