import type { Services } from './http/services.ts';
import type { OrgKind } from './kernel/context.ts';
import { getSetting, setSetting } from './kernel/settings.ts';
import { createOrganisation, createUser } from './modules/identity/index.ts';
import type { DemoOrgs, TradelaneModule } from './modules/module.ts';

/** One organisation of each kind, each with an owner who can sign in. Passwords are public demo values. */
export const DEMO_PARTIES: { kind: OrgKind; org: string; country: string; user: string }[] = [
  { kind: 'seller', org: 'Shenzhen Lumen Electronics Co., Ltd.', country: 'CN', user: 'Li Wei' },
  { kind: 'supplier', org: 'Dongguan Precision Moulding Factory', country: 'CN', user: 'Chen Jing' },
  { kind: 'carrier', org: 'Pacific Bridge Logistics', country: 'HK', user: 'Wong Ka-ho' },
  { kind: 'warehouse', org: 'Rhein Fulfilment GmbH', country: 'DE', user: 'Jonas Becker' },
  { kind: 'broker', org: 'Atlantic Customs Brokerage LLC', country: 'US', user: 'Dana Ortiz' },
  { kind: 'financier', org: 'Harbour Trade Finance Pte. Ltd.', country: 'SG', user: 'Priya Nair' },
  { kind: 'operator', org: 'Tradelane Operations', country: 'NL', user: 'Sam de Vries' },
  { kind: 'buyer', org: 'Keller Home & Living', country: 'DE', user: 'Maria Keller' },
];

export const demoEmail = (kind: string) => `${kind}@demo.tradelane.dev`;
export const demoPassword = (kind: string) => `demo-${kind}-2026`;

export async function demoOrgs(s: Services): Promise<DemoOrgs | undefined> {
  return getSetting<DemoOrgs>(s.db, 'demo.orgs');
}

/** Seed demo data once (first start). Returns the demo parties, seeded now or earlier. */
export async function seedDemo(s: Services, modules: TradelaneModule[]): Promise<DemoOrgs> {
  const existing = await demoOrgs(s);
  if (existing) return existing;
  const orgs: DemoOrgs = {};
  await s.db.transaction(async (tx) => {
    for (const p of DEMO_PARTIES) {
      const user = await createUser(tx, { email: demoEmail(p.kind), name: p.user, password: demoPassword(p.kind), locale: p.country === 'CN' ? 'zh-CN' : 'en' });
      const org = await createOrganisation(tx, user.id, { name: p.org, kind: p.kind, country: p.country }, 'demo');
      orgs[p.kind] = { orgId: org.id, userId: user.id, email: user.email, password: demoPassword(p.kind), name: p.org };
    }
    await setSetting(tx, 'demo.orgs', orgs);
  });
  for (const m of modules) {
    if (!m.demo) continue;
    try {
      await m.demo(s, orgs);
    } catch (err) {
      s.log.error({ err, module: m.name }, 'demo data for a module failed; continuing');
    }
  }
  return orgs;
}

export function printDemoCredentials(orgs: DemoOrgs, url: string) {
  const lines = Object.entries(orgs).map(([kind, o]) => `  ${kind.padEnd(10)} ${o.email.padEnd(32)} ${o.password.padEnd(22)} ${o.name}`);
  console.log(`\nTradelane is running at ${url}\n\nDemo sign-ins (one organisation of each kind):\n  ${'kind'.padEnd(10)} ${'e-mail'.padEnd(32)} ${'password'.padEnd(22)} organisation\n${lines.join('\n')}\n\nAPI docs: ${url}/docs   OpenAPI: ${url}/openapi.json\n`);
}
