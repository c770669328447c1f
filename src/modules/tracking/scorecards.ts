// Provider scorecards from real outcomes, by carrier, lane and period; and the reliability score
// the routing engine can use as a lane rating.
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { forbidden } from '../../kernel/errors.ts';
import { reliability, scorecard, type OutcomeCounts } from '../../engines/exceptions/index.ts';

const COUNTS = `
  count(*)::int AS shipments,
  count(*) FILTER (WHERE s.delivered_at IS NOT NULL OR s.status = 'return_to_sender' OR s.stage = 'lost')::int AS completed,
  count(*) FILTER (WHERE s.delivered_at IS NOT NULL)::int AS delivered,
  count(*) FILTER (WHERE s.delivered_at IS NOT NULL AND s.promised_delivery_at IS NOT NULL AND s.delivered_at <= s.promised_delivery_at)::int AS on_time,
  count(*) FILTER (WHERE s.delivered_at IS NOT NULL AND s.promised_delivery_at IS NOT NULL)::int AS delivered_with_promise,
  count(*) FILTER (WHERE s.stage IN ('lost','damaged') OR EXISTS (SELECT 1 FROM tracking_exceptions x WHERE x.shipment_id = s.id AND x.rule IN ('damage_or_loss','shock','temperature_excursion')))::int AS damaged_or_lost,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM tracking_exceptions x WHERE x.shipment_id = s.id AND x.status <> 'dismissed'))::int AS with_exceptions,
  avg(s.port_dwell_hours)::float8 AS avg_dwell_hours,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM tracking_sla_evaluations b WHERE b.shipment_id = s.id AND b.breached))::int AS sla_breaches`;

const toCounts = (r: any): OutcomeCounts => ({
  shipments: r.shipments, completed: r.completed, delivered: r.delivered, onTime: r.on_time, deliveredWithPromise: r.delivered_with_promise,
  damagedOrLost: r.damaged_or_lost, withExceptions: r.with_exceptions,
});

/**
 * Scorecards grouped by carrier organisation, lane and period (month or quarter of the delivery,
 * or of creation while under way). The operator sees every provider; a provider sees its own.
 */
export async function scorecards(tx: Executor, ctx: AuthContext, q: { carrier_org_id?: string; lane_id?: string; period?: 'month' | 'quarter' | 'all'; from?: string; to?: string }) {
  if (ctx.orgKind !== 'operator' && !['carrier', 'warehouse'].includes(ctx.orgKind)) throw forbidden('Scorecards are visible to the operator and to the provider itself');
  const where = ['s.carrier_org_id IS NOT NULL'];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (ctx.orgKind !== 'operator') add('s.carrier_org_id = ?', ctx.orgId);
  else if (q.carrier_org_id) add('s.carrier_org_id = ?', q.carrier_org_id);
  if (q.lane_id) add('s.lane_id = ?', q.lane_id);
  if (q.from) add('COALESCE(s.delivered_at, s.created_at) >= ?::date', q.from);
  if (q.to) add(`COALESCE(s.delivered_at, s.created_at) < ?::date + 1`, q.to);
  const period = q.period ?? 'month';
  const periodSql = period === 'all' ? `'all'` : `to_char(date_trunc('${period}', COALESCE(s.delivered_at, s.created_at)), 'YYYY-MM')`;
  const rows = await tx.query(
    `SELECT s.carrier_org_id, s.lane_id, ${periodSql} AS period, ${COUNTS}
       FROM tracking_shipments s WHERE ${where.join(' AND ')}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, params);
  return {
    period,
    data: rows.map((r) => ({
      carrier_org_id: r.carrier_org_id, lane_id: r.lane_id, period: r.period, ...scorecard(toCounts(r)),
      avg_dwell_hours: r.avg_dwell_hours === null ? null : Math.round(r.avg_dwell_hours * 10) / 10, sla_breaches: r.sla_breaches, reliability: reliability(toCounts(r)),
    })),
  };
}

/**
 * Reliability of a provider (optionally on one lane) in 0..1, from every shipment it carried:
 * weighted on-time, delivery success, damage/loss and exception rates, shrunk toward 0.8 for
 * providers with few shipments (see engines/exceptions/scorecard.ts). For routing: rating = 5 × this.
 */
export async function providerReliability(tx: Executor, carrierOrgId: string, laneId?: string): Promise<number> {
  const r = await tx.one(`SELECT ${COUNTS} FROM tracking_shipments s WHERE s.carrier_org_id = $1 ${laneId ? 'AND s.lane_id = $2' : ''}`, laneId ? [carrierOrgId, laneId] : [carrierOrgId]);
  return reliability(toCounts(r));
}
