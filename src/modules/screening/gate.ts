import type { Services } from '../../http/services.ts';
import type { AuthContext } from '../../kernel/context.ts';
import type { Executor } from '../../kernel/db.ts';
import { unprocessable } from '../../kernel/errors.ts';
import { screenParty, type ScreenPartyInput } from './service.ts';

/**
 * Screening gates for other modules' flows (booking, payout): screen the counterparty now and
 * refuse when the decision is hold or block. The runtime's services are registered at init, so the
 * calling module does not need to carry them; without the screening module the gate is open.
 */
let runtime: Pick<Services, 'db' | 'state'> | null = null;
export const registerGateServices = (s: Pick<Services, 'db' | 'state'>) => { runtime = s; };

export async function screeningGate(tx: Executor, ctx: AuthContext, input: ScreenPartyInput & { what: string }): Promise<{ decision: string; screeningId?: string }> {
  if (!runtime || !input.name?.trim()) return { decision: 'not_screened' };
  const r = await screenParty(tx, runtime, ctx, input);
  if (r.decision === 'hold' || r.decision === 'block') {
    throw unprocessable('screening_hold', `${input.what}: "${input.name}" matches a denied-party list entry (${r.decision}, score ${r.score.toFixed(2)}); a compliance user must clear it in the screening review queue first`, { screening_id: r.screeningId, decision: r.decision });
  }
  return { decision: r.decision, screeningId: r.screeningId };
}
