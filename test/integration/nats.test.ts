import net from 'node:net';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emit } from '../../src/kernel/events.ts';
import { testRuntime, type TestRuntime } from '../helpers.ts';

const natsUrl = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';

async function reachable(url: string) {
  const u = new URL(url);
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 4222) }, () => { s.end(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

const available = await reachable(natsUrl);
if (!available && process.env.CI) throw new Error(`NATS is not reachable at ${natsUrl}`);

describe.skipIf(!available)('domain events are published to NATS JetStream', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime({ config: { natsUrl } });
  });
  afterAll(() => rt?.dispose());

  it('publishes each event once on subject tradelane.<type>, with the event id as message id', async () => {
    const type = `test.nats_${Date.now()}.created`;
    await rt.db.transaction(async (tx) => {
      await emit(tx, null, { type, entityType: 'thing', entityId: 'thing_1', orgId: 'org_x', payload: { n: 1 } });
      await emit(tx, null, { type, entityType: 'thing', entityId: 'thing_1', orgId: 'org_x', payload: { n: 2 } });
    });
    await rt.events.drain();
    const nc = await connect({ servers: natsUrl });
    try {
      const subject = `tradelane.${type}`;
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info('TRADELANE', { subjects_filter: subject });
      expect(info.state.subjects?.[subject]).toBe(2);
      const last = await jsm.streams.getMessage('TRADELANE', { last_by_subj: subject });
      const body = last.json<any>();
      expect(body.type).toBe(type);
      expect(body.data.n).toBe(2);
      expect(last.header.get('Nats-Msg-Id')).toBe(body.id);
      // a re-publish of the same event id (e.g. after a crash) is de-duplicated by JetStream
      const ack = await nc.jetstream().publish(subject, new TextEncoder().encode('{}'), { msgID: body.id });
      expect(ack.duplicate).toBe(true);
      // and a second dispatcher pass publishes nothing again
      await rt.events.drain();
      expect((await jsm.streams.info('TRADELANE', { subjects_filter: subject })).state.subjects?.[subject]).toBe(2);
    } finally {
      await nc.close();
    }
  });
});
