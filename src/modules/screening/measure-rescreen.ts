// Re-screen N synthetic parties through the module (figure in docs/screening.md; bench/ is owned elsewhere):
//   npx tsx src/modules/screening/measure-rescreen.ts 100000   (TEST_DATABASE_URL=… for PostgreSQL, a scratch database)
// Last line: one JSON object of figures.
import { testRuntime, newParty } from '../../../test/helpers.ts';
import { loadedLists } from './lists.ts';
import { rescreenBatch } from './service.ts';
const N = Number(process.argv[2] ?? 2000);
const rt = await testRuntime();
const p = await newParty(rt, 'seller', 'Bench');
let t = Date.now(); await loadedLists(rt); console.log('index ms', Date.now() - t);
// deterministic synthetic parties: company-like and person-like names, some list-like
const first = ['Anna','Li','Omar','Ivan','Maria','Chen','Ahmed','Olga','Pedro','Yuki','Hassan','Elena'];
const last = ['Keller','Wang','Rahman','Petrov','Silva','Zhang','Haddad','Novak','Garcia','Tanaka','Karimi','Rossi'];
const words = ['Golden','Ocean','Star','Pacific','Trading','Logistics','Industrial','Green','Global','Eastern','Bright','Union'];
let seed = 20261121; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (a: string[]) => a[Math.floor(rnd() * a.length)];
await rt.db.query(`INSERT INTO screening_parties (id, org_id, name, type, role, status, fingerprint)
  SELECT 'pty_' || lpad(g::text, 26, '0'), $1, (j->>(g-1))::text, CASE WHEN g % 2 = 0 THEN 'person' ELSE 'organisation' END, 'buyer', 'pending', 'x'
  FROM generate_series(1, $2) g, (SELECT $3::jsonb AS j) s`, [p.orgId, N, JSON.stringify(Array.from({ length: N }, (_, i) => i % 2 === 1 ? `${pick(first)} ${pick(last)}` : `${pick(words)} ${pick(words)} ${pick(['Co Ltd','GmbH','LLC','Trading'])}`))]);
t = Date.now(); const c0 = process.cpuUsage();
let after = ''; let screened = 0;
for (;;) { const r = await rescreenBatch(rt, after, null); screened += r.screened; if (!r.next) break; after = r.next; }
const ms = Date.now() - t; const cpu = process.cpuUsage(c0);
const counts = await rt.db.query(`SELECT status, count(*)::int n FROM screening_parties GROUP BY status ORDER BY status`);
console.log(JSON.stringify({ db: rt.db.kind, parties: N, screened, wall_ms: ms, cpu_ms: Math.round((cpu.user + cpu.system) / 1000), per_party_ms: +(ms / N).toFixed(2), counts }));
await rt.dispose();
