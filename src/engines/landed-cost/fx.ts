// FX snapshots: {id, source, date, base, rates} where 1 unit of `base` = rates[X] units of X.
// Conversion uses the exact decimal rate text, so a round trip stays within one minor unit.
import { LandedCostInputError } from './errors.ts';
import { minorUnitExponent, mulDivRound, parseDecimal, type Decimal, type RoundingMode } from './money.ts';

export interface FxSnapshot {
  id: string;
  source: string;
  date: string;
  base: string;
  rates: Record<string, string | number>;
}

/** Exact conversion factor from one currency's minor units to another's: out = in * num / den. */
export interface FxFactor { from: string; to: string; num: number; den: number; rateText: string }

function rateOf(snapshot: FxSnapshot, currency: string, field: string): Decimal {
  if (currency === snapshot.base) return { num: 1, den: 1 };
  const r = snapshot.rates[currency];
  if (r === undefined) throw new LandedCostInputError(field, `FX snapshot ${snapshot.id} (${snapshot.date}) has no rate for ${currency}`);
  const d = parseDecimal(r, field);
  if (d.num === 0) throw new LandedCostInputError(field, `FX rate for ${currency} is zero`);
  return d;
}

function gcd(a: number, b: number): number { while (b) [a, b] = [b, a % b]; return a; }

export function fxFactor(snapshot: FxSnapshot | undefined, from: string, to: string, field = 'fx'): FxFactor {
  if (from === to) return { from, to, num: 1, den: 1, rateText: '1' };
  if (!snapshot) throw new LandedCostInputError(field, `converting ${from} to ${to} needs an FX snapshot`);
  const rf = rateOf(snapshot, from, `${field}.rates.${from}`);
  const rt = rateOf(snapshot, to, `${field}.rates.${to}`);
  // amount_to_major = amount_from_major * rt / rf  (both relative to the base)
  const ef = minorUnitExponent(from);
  const et = minorUnitExponent(to);
  let num = rt.num * rf.den * 10 ** Math.max(0, et - ef);
  let den = rt.den * rf.num * 10 ** Math.max(0, ef - et);
  const g = gcd(num, den);
  num /= g; den /= g;
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) throw new LandedCostInputError(field, 'FX rate has too many digits');
  const rateText = `1 ${from} = ${+(rt.num * rf.den / (rt.den * rf.num)).toPrecision(10)} ${to}`;
  return { from, to, num, den, rateText };
}

export function convert(amount: number, f: FxFactor, mode: RoundingMode = 'half-up'): number {
  return f.num === f.den ? amount : mulDivRound(amount, f.num, f.den, mode);
}

/** Days between two ISO dates (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
}

/**
 * Parse an ECB euro foreign exchange reference rates file (eurofxref.csv, eurofxref-hist.csv
 * or eurofxref-daily.xml) into snapshots, newest first. Pure: takes the file text.
 */
export function importEcbRates(content: string, sourceName = 'ECB euro foreign exchange reference rates'): FxSnapshot[] {
  const text = content.replace(/^\uFEFF/, '').trim();
  const snapshots: FxSnapshot[] = [];
  if (text.startsWith('<')) {
    const cubeTime = /<Cube\s+time=['"](\d{4}-\d{2}-\d{2})['"]\s*>([\s\S]*?)<\/Cube>/g;
    let m: RegExpExecArray | null;
    while ((m = cubeTime.exec(text))) {
      const rates: Record<string, string> = {};
      const rate = /<Cube\s+currency=['"]([A-Z]{3})['"]\s+rate=['"]([\d.]+)['"]\s*\/>/g;
      let r: RegExpExecArray | null;
      while ((r = rate.exec(m[2]))) rates[r[1]] = r[2];
      snapshots.push({ id: `ecb-${m[1]}`, source: sourceName, date: m[1], base: 'EUR', rates });
    }
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = lines[0].split(',').map((h) => h.trim());
    if (header[0] !== 'Date') throw new LandedCostInputError('content', 'ECB CSV must start with a "Date" column');
    for (const line of lines.slice(1)) {
      const cells = line.split(',').map((c) => c.trim());
      const date = toIsoDate(cells[0]);
      const rates: Record<string, string> = {};
      for (let i = 1; i < header.length; i++) {
        if (!/^[A-Z]{3}$/.test(header[i])) continue;
        const v = cells[i];
        if (v && v !== 'N/A' && /^\d+(\.\d+)?$/.test(v)) rates[header[i]] = v;
      }
      snapshots.push({ id: `ecb-${date}`, source: sourceName, date, base: 'EUR', rates });
    }
  }
  if (snapshots.length === 0) throw new LandedCostInputError('content', 'no rates found in ECB file');
  return snapshots.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

const MONTHS: Record<string, string> = { january: '01', february: '02', march: '03', april: '04', may: '05', june: '06', july: '07', august: '08', september: '09', october: '10', november: '11', december: '12' };
function toIsoDate(s: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const m = /^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$/.exec(s); // "21 November 2026" (eurofxref.csv)
  if (m && MONTHS[m[2].toLowerCase()]) return `${m[3]}-${MONTHS[m[2].toLowerCase()]}-${m[1].padStart(2, '0')}`;
  throw new LandedCostInputError('content', `unrecognised date "${s}"`);
}
