// Scoring of labelled screening queries (eval-dev.jsonl format): shared by the bench and the
// regression test. Pure: the caller passes parsed rows and the index.
import { screen, type ScreeningIndex } from './screen';
import type { EntityType, ScreeningOptions, ScreeningResult } from './types';

export interface EvalRow {
  qid: string;
  query: { name: string; type?: string; dob?: string; country?: string };
  acceptable: string[];
  category: 'tp' | 'tn';
  variations: string[];
}

export interface EvalOutcome {
  row: EvalRow;
  /** Best score among acceptable ids (tp), 0 when none returned. */
  acceptableScore: number;
  /** Best score of any returned match. */
  topScore: number;
  decision: ScreeningResult['decision'];
}

/** Screen every row with a low review bar so that any threshold above it can be evaluated. */
export function runEval(index: ScreeningIndex, rows: EvalRow[], floor = 0.5): EvalOutcome[] {
  const opts: ScreeningOptions = { reviewThreshold: floor, limit: 50 };
  return rows.map((row) => {
    const r = screen(
      index,
      {
        name: row.query.name,
        type: row.query.type as EntityType | 'entity' | undefined,
        dob: row.query.dob,
        countries: row.query.country ? [row.query.country] : undefined,
      },
      opts,
    );
    const acceptable = new Set(row.acceptable);
    let acceptableScore = 0;
    for (const m of r.matches) if (acceptable.has(m.entityId)) acceptableScore = Math.max(acceptableScore, m.score);
    return { row, acceptableScore, topScore: r.matches[0]?.score ?? 0, decision: r.decision };
  });
}

export interface RateLine {
  group: string;
  n: number;
  rate: number;
}

/** Recall of true matches and flag rate of non-matches at a threshold, overall and per kind. */
export function ratesAt(outcomes: EvalOutcome[], threshold: number) {
  const tp = outcomes.filter((o) => o.row.category === 'tp');
  const tn = outcomes.filter((o) => o.row.category === 'tn');
  const hit = (o: EvalOutcome) => o.acceptableScore >= threshold;
  const flagged = (o: EvalOutcome) => o.topScore >= threshold;
  const namesake = (o: EvalOutcome) => o.row.variations.includes('neg_namesake_conflicting_dob');
  const group = (list: EvalOutcome[], pred: (o: EvalOutcome) => boolean): RateLine[] => {
    const kinds = new Map<string, EvalOutcome[]>();
    for (const o of list) for (const v of o.row.variations) kinds.set(v, [...(kinds.get(v) ?? []), o]);
    return [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([k, os]) => ({ group: k, n: os.length, rate: os.filter(pred).length / os.length }));
  };
  const tnNoNamesake = tn.filter((o) => !namesake(o));
  return {
    threshold,
    recall: tp.filter(hit).length / Math.max(1, tp.length),
    fpr: tn.filter(flagged).length / Math.max(1, tn.length),
    fprExclNamesake: tnNoNamesake.filter(flagged).length / Math.max(1, tnNoNamesake.length),
    tpCount: tp.length,
    tnCount: tn.length,
    recallByVariation: group(tp, hit),
    fprByKind: group(tn, flagged),
    misses: tp.filter((o) => !hit(o)),
    falsePositives: tn.filter(flagged),
  };
}
