import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo.ts';
import { identityModule } from '../identity/index.ts';
import { webhooksModule } from '../webhooks/index.ts';
import { dbLabel, testRuntime, type TestRuntime } from '../../../test/helpers.ts';
import { logisticsModule } from './index.ts';

describe(`logistics demo data (${dbLabel})`, () => {
  let rt: TestRuntime;
  let headers: (kind: string) => Promise<Record<string, string>>;
  beforeAll(async () => {
    rt = await testRuntime({ modules: [identityModule, webhooksModule, logisticsModule] });
    const orgs = await seedDemo(rt, rt.modules);
    headers = async (kind) => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: orgs[kind]!.email, password: orgs[kind]!.password } });
      return { cookie: String(res.headers['set-cookie']).split(';')[0]! };
    };
  });
  afterAll(() => rt?.dispose());

  it('Pacific Bridge publishes the demo lanes; one booking accepted with documents, one awaiting; Red Sea ready to simulate', async () => {
    const carrier = await headers('carrier');
    const seller = await headers('seller');
    const lanes = (await rt.app.inject({ method: 'GET', url: '/v1/logistics/lanes', headers: seller })).json().data;
    expect(lanes.length).toBeGreaterThanOrEqual(14);
    const incoming = (await rt.app.inject({ method: 'GET', url: '/v1/logistics/bookings?role=carrier', headers: carrier })).json().data;
    expect(incoming.map((b: any) => b.status).sort()).toEqual(['accepted', 'requested']);
    expect(incoming.find((b: any) => b.status === 'accepted').tracking_number).toMatch(/^TL\d{9}CN$/);
    const sim = await rt.app.inject({ method: 'POST', url: '/v1/logistics/disruptions', headers: seller, payload: { description: 'Red Sea closed', via: ['red-sea'], date: '2026-11-02' } });
    expect(sim.statusCode, sim.body).toBe(201);
    expect(sim.json().report.totals.rerouted).toBe(3);
  });
});
