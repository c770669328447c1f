// 17TRACK main/sub statuses → our vocabulary (no sample webhook body is published; statuses only).
import type { CustomsState, TrackingStage, TrackingStatus } from './model';
import { isCustomsState, isTrackingStage, isTrackingStatus, type TrackingTables } from './rules';

export function map17TrackStatus(
  tables: TrackingTables,
  mainStatus: string,
  subStatus?: string | null,
): { status: TrackingStatus; stage: TrackingStage | null; customs: CustomsState | null } {
  const table = tables.rules.seventeenTrack;
  const main = table.main[mainStatus];
  const sub = subStatus ? table.sub[subStatus] : undefined;
  const status = isTrackingStatus(sub?.status) ? sub.status : isTrackingStatus(main) ? main : 'unknown';
  const stage = isTrackingStage(sub?.stage) ? sub.stage : null;
  return { status, stage, customs: stage && isCustomsState(sub?.customs) ? sub.customs : null };
}
