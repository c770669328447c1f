// UTC calendar-date helpers over 'YYYY-MM-DD' strings (no time zones, no I/O).
const DAY_MS = 86_400_000;

export function parseIsoDate(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not an ISO date (YYYY-MM-DD): ${date}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`invalid date: ${date}`);
  return ms;
}

export function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const addDaysCache = new Map<string, string>();

export function addDays(date: string, days: number): string {
  const key = `${date}|${days}`;
  let out = addDaysCache.get(key);
  if (out === undefined) {
    out = formatIsoDate(parseIsoDate(date) + days * DAY_MS);
    if (addDaysCache.size > 50_000) addDaysCache.clear(); // bounded memo of a pure function
    addDaysCache.set(key, out);
  }
  return out;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to) - parseIsoDate(from)) / DAY_MS);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(parseIsoDate(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** First date on or after `date` whose weekday is in `weekdays` (all days when empty). */
const departureCache = new Map<string, string>();

export function nextDeparture(date: string, weekdays: readonly number[]): string {
  if (weekdays.length === 0) return date;
  const key = `${date}|${weekdays.join(',')}`;
  const cached = departureCache.get(key);
  if (cached !== undefined) return cached;
  const found = findDeparture(date, weekdays);
  if (departureCache.size > 10_000) departureCache.clear(); // bounded memo of a pure function
  departureCache.set(key, found);
  return found;
}

function findDeparture(date: string, weekdays: readonly number[]): string {
  for (let i = 0; i < 7; i++) {
    const candidate = addDays(date, i);
    if (weekdays.includes(isoWeekday(candidate))) return candidate;
  }
  throw new Error(`no valid weekday in ${JSON.stringify(weekdays)}`);
}

/** Inclusive comparison on ISO dates (lexicographic order equals date order). */
export function isWithin(date: string, from: string, to: string): boolean {
  return date >= from && date <= to;
}
