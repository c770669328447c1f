import { connect, headers, type NatsConnection } from 'nats';
import type { Subscriber } from './events.ts';
import type { Logger } from './log.ts';

/**
 * With NATS_URL set, every domain event is also published to JetStream on subject
 * "tradelane.<event type>" (stream TRADELANE). The event id is the JetStream message id, so a
 * re-publish after a crash is de-duplicated by the server.
 */
export async function natsPublisher(url: string, log: Logger): Promise<{ subscriber: Subscriber; close(): Promise<void> }> {
  const nc: NatsConnection = await connect({ servers: url, name: 'tradelane' });
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info('TRADELANE');
  } catch {
    await jsm.streams.add({ name: 'TRADELANE', subjects: ['tradelane.>'], duplicate_window: 10 * 60 * 1_000_000_000 });
  }
  const js = nc.jetstream();
  const enc = new TextEncoder();
  log.info({ url }, 'publishing domain events to NATS JetStream');
  return {
    subscriber: {
      name: 'nats.publisher',
      async handle(_tx, e) {
        const h = headers();
        h.set('Tradelane-Event-Type', e.type);
        await js.publish(`tradelane.${e.type}`, enc.encode(JSON.stringify({ id: e.eventId, type: e.type, org_id: e.orgId, entity: { type: e.entityType, id: e.entityId }, created_at: e.createdAt, data: e.payload })), { msgID: e.eventId, headers: h });
      },
    },
    close: () => nc.drain(),
  };
}
