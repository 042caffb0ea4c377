import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { EVENT_NAMES, EVENTS_EXCHANGE, RECORDING_RPC as R, type EventEnvelope } from '@platform/contracts';
import { EventSource, waitFor } from '@platform/testing';
import { member, startRecordingsBed, type RecordingsBed } from './support/recordings-bed';

/**
 * Deleting a recording writes `recordings.recording.deleted` to recordings' outbox in the same
 * transaction as the soft delete; the relay publishes it for storage, which deletes the bytes.
 */
describe('recordings: a deleted recording tells storage to delete its object (outbox)', () => {
  let bed: RecordingsBed;
  let storage: EventSource;
  let tap: ChannelModel;
  const published: EventEnvelope<{ organizationId: string; recordingId: string }>[] = [];

  beforeAll(async () => {
    bed = await startRecordingsBed();
    storage = await EventSource.open(bed.vhost.url);
    tap = await connect(bed.vhost.url);
    const channel = await tap.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, EVENTS_EXCHANGE, EVENT_NAMES.recordingDeleted);
    await channel.consume(
      queue,
      (message) => {
        if (message) published.push(JSON.parse(message.content.toString('utf8')));
      },
      { noAck: true },
    );
  }, 60_000);
  afterAll(async () => {
    await tap?.close();
    await storage?.close();
    await bed?.stop();
  });

  const deletionsOf = (recordingId: string) =>
    published.filter((event) => event.payload.recordingId === recordingId);

  it('is published for a recording whose upload completed (storage deletes its object by recording id)', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { id } = await bed.call(R.create, { title: 'To delete' }, owner);
    const objectId = randomUUID();
    await storage.publish(EVENT_NAMES.uploadCompleted, {
      organizationId: org,
      uploadId: objectId,
      objectId,
      recordingId: id,
      sizeBytes: 1000,
      contentType: 'audio/wav',
      sha256: 'a'.repeat(64),
    });
    await waitFor('recording UPLOADED', async () =>
      ['UPLOADED', 'PROCESSING'].includes((await bed.call(R.get, { id }, owner)).status),
    );

    expect(await bed.call(R.delete, { id }, owner)).toEqual({ deleted: true });
    await waitFor('deletion event published', () => deletionsOf(id).length === 1);
    expect(deletionsOf(id)[0]!.payload).toEqual({ organizationId: org, recordingId: id });
  });

  it('is written once however often delete is retried', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { id } = await bed.call(R.create, { title: 'Never uploaded' }, owner);
    expect(await bed.call(R.delete, { id }, owner)).toEqual({ deleted: true });
    await expect(bed.call(R.delete, { id }, owner)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await waitFor('deletion event published', () => deletionsOf(id).length === 1);
    expect(deletionsOf(id)[0]!.payload).toEqual({ organizationId: org, recordingId: id });
    const [outbox] = await bed.admin.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE routing_key = $1 AND payload->>'recordingId' = $2`,
      [EVENT_NAMES.recordingDeleted, id],
    );
    expect(outbox).toEqual({ n: 1 });
  });

  it('another organization cannot delete the recording, and no deletion event is written for it', async () => {
    const owner = member(randomUUID(), ['owner']);
    const intruder = member(randomUUID(), ['owner']);
    const { id } = await bed.call(R.create, { title: 'Not yours' }, owner);
    await expect(bed.call(R.delete, { id }, intruder)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const [outbox] = await bed.admin.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE routing_key = $1 AND payload->>'recordingId' = $2`,
      [EVENT_NAMES.recordingDeleted, id],
    );
    expect(outbox).toEqual({ n: 0 });
    expect((await bed.call(R.get, { id }, owner)).title).toBe('Not yours');
  });
});
