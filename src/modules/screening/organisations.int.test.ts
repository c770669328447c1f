import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, newParty, testRuntime, type Party, type TestRuntime } from '../../../test/helpers.ts';
import { listsReady } from './lists.ts';

// Know-your-customer for the marketplace: every organisation that joins is screened for the operator.
describe(`screening of organisations on sign-up (${dbLabel})`, () => {
  let rt: TestRuntime;
  let operator: Party;
  beforeAll(async () => {
    rt = await testRuntime();
    operator = await newParty(rt, 'operator', 'Platform Operator');
  });
  afterAll(() => rt?.dispose());

  it('a joining organisation with a listed name enters the operator\'s review queue; a clean one is cleared', async () => {
    const listed = await newParty(rt, 'buyer', 'ROSOBORONEXPORT');
    const clean = await newParty(rt, 'buyer', 'Keller Home & Living');
    await rt.events.drain();
    const deadline = Date.now() + 120_000;
    while (!(await listsReady(rt)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await rt.jobs.runDue(50, new Date(Date.now() + 60_000));
    const parties = (await rt.app.inject({ url: '/v1/screening/parties?role=organisation', headers: operator.headers })).json().data as any[];
    const byRef = new Map(parties.map((p) => [p.reference, p]));
    const hit = byRef.get(`organisation:${listed.orgId}`);
    const ok = byRef.get(`organisation:${clean.orgId}`);
    expect(hit?.name).toBe('ROSOBORONEXPORT');
    expect(ok?.name).toBe('Keller Home & Living');
    expect(hit.status).not.toBe(ok.status);
    expect(byRef.has(`organisation:${operator.orgId}`)).toBe(false); // the operator does not screen itself
    const reviews = (await rt.app.inject({ url: '/v1/screening/reviews', headers: operator.headers })).json().data as any[];
    expect(JSON.stringify(reviews)).toMatch(/ROSOBORONEXPORT/);
    expect(JSON.stringify(reviews)).not.toMatch(/Keller Home/);
    // the joining organisation itself sees nothing of the operator's screening
    expect((await rt.app.inject({ url: '/v1/screening/parties?role=organisation', headers: listed.headers })).json().data).toEqual([]);
  });
});
