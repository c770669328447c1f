import { ORG_KINDS, systemContext, type OrgKind } from '../../kernel/context.ts';
import type { CliCommand } from '../module.ts';
import * as svc from './service.ts';

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) {
      const [k, v] = args[i].slice(2).split('=');
      out[k] = v ?? args[++i] ?? '';
    }
  }
  return out;
}

export const identityCli: Record<string, CliCommand> = {
  'user create': {
    summary: 'Create a user (and an organisation they own)',
    usage: 'tradelane user create --email a@b.c --name "Ann" --password ... [--org "Acme" --kind seller --country CN]',
    async run(s, args) {
      const f = flags(args);
      if (!f.email || !f.name || !f.password) throw new Error('--email, --name and --password are required');
      const r = await s.db.transaction(async (tx) => {
        const user = await svc.createUser(tx, { email: f.email, name: f.name, password: f.password });
        let org = null;
        if (f.org) {
          if (!(ORG_KINDS as readonly string[]).includes(f.kind)) throw new Error(`--kind must be one of ${ORG_KINDS.join(', ')}`);
          org = await svc.createOrganisation(tx, user.id, { name: f.org, kind: f.kind as OrgKind, country: f.country });
        }
        return { user, org };
      });
      console.log(JSON.stringify(r, null, 2));
    },
  },
  'apikey create': {
    summary: 'Create an API key for an organisation (printed once)',
    usage: 'tradelane apikey create --org org_… --name ci --scopes orders:write,catalog:read',
    async run(s, args) {
      const f = flags(args);
      if (!f.org || !f.name || !f.scopes) throw new Error('--org, --name and --scopes are required');
      const org = await s.db.maybeOne(`SELECT id, kind FROM organisations WHERE id = $1`, [f.org]);
      if (!org) throw new Error(`organisation ${f.org} not found`);
      const key = await s.db.transaction((tx) => svc.createApiKey(tx, { ...systemContext(org.id, org.kind, 'cli') }, { name: f.name, scopes: f.scopes.split(',').map((x) => x.trim()) }));
      console.log(JSON.stringify(key, null, 2));
    },
  },
};
