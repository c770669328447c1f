import type { TradelaneModule } from '../module.ts';
import { webhookRoutes } from './routes.ts';
import { webhookMigrations } from './schema.ts';
import { deliveryJob, fanOut } from './service.ts';

/** Signed outgoing webhooks with retries and a visible delivery log. */
export const webhooksModule: TradelaneModule = {
  name: 'webhooks',
  migrations: webhookMigrations,
  routes: webhookRoutes,
  subscribers: () => [{ name: 'webhooks.fanout', handle: (tx, e) => fanOut(tx, [e]), handleMany: fanOut }],
  jobs: (s) => ({ 'webhook.deliver': deliveryJob(s.secrets) as any }),
};

export { signWebhook, verifyWebhookSignature } from './signature.ts';
