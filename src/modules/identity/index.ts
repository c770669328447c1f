import type { TradelaneModule } from '../module.ts';
import { identityRoutes } from './routes.ts';
import { identityMigrations } from './schema.ts';
import * as svc from './service.ts';
import { identityCli } from './cli.ts';

/** Identity and tenancy: users, organisations, members and roles, sessions, 2FA, API keys, audit, grants. */
export const identityModule: TradelaneModule = {
  name: 'identity',
  migrations: identityMigrations,
  routes: identityRoutes,
  cli: identityCli,
};

export const {
  resolveApiKey, resolveSession, createUser, createOrganisation, createApiKey, hashPassword, invalidateAuthCache,
  organisationProfile, directory,
} = svc;
export { totp, verifyTotp } from './totp.ts';
