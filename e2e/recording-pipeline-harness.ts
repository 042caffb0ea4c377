import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { connect, type ChannelModel } from 'amqplib';
import { EVENT_NAMES, EVENTS_EXCHANGE, type EventEnvelope } from '@platform/contracts';
import { bootstrapService, type RunningService } from '@platform/bootstrap';
import { createTestDatabase, databaseEnv, EventSource, type TestDatabase } from '@platform/testing';
import { audioWorkerService } from '../apps/audio-worker/src/service-definition';
import type { AudioWorkerEnv } from '../apps/audio-worker/src/config/audio-worker-env.schema';
import { startRecordingsBed, type RecordingsBed } from '../apps/recordings/test/support/recordings-bed';
import { scratchDir } from '../apps/audio-worker/test/support/test-audio';

/** Every event published on the vhost under `pattern`, in arrival order (a test-owned queue). */
export class EventTap {
  readonly events: EventEnvelope<Record<string, unknown>>[] = [];
  private constructor(private readonly connection: ChannelModel) {}

  static async open(amqpUrl: string, pattern: string): Promise<EventTap> {
    const connection = await connect(amqpUrl);
    const tap = new EventTap(connection);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, EVENTS_EXCHANGE, pattern);
    await channel.consume(
      queue,
      (message) => {
        if (message) tap.events.push(JSON.parse(message.content.toString('utf8')));
      },
      { noAck: true },
    );
    return tap;
  }

  of(name: string, recordingId: string) {
    return this.events.filter((event) => event.name === name && event.payload.recordingId === recordingId);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/**
 * recordings (a test bed) and the audio worker on one vhost, the worker reading objects from a
 * scratch directory (its local audio source), and a tap on the worker's events. Tests play storage:
 * they put a file in the directory and publish `storage.upload.completed`.
 */
export class PipelineHarness {
  recordings!: RecordingsBed;
  storage!: EventSource;
  tap!: EventTap;
  root!: string;
  private readonly workers: RunningService<AudioWorkerEnv>[] = [];
  private workerDatabase!: TestDatabase;
  private removeRoot!: () => Promise<void>;

  async start(): Promise<this> {
    this.recordings = await startRecordingsBed();
    const scratch = await scratchDir();
    this.root = scratch.dir;
    this.removeRoot = scratch.remove;
    this.workerDatabase = await createTestDatabase('audio_worker');
    this.storage = await EventSource.open(this.recordings.vhost.url);
    this.tap = await EventTap.open(this.recordings.vhost.url, 'audio-worker.analysis.*');
    return this;
  }

  /** An audio worker on the pipeline's vhost (several may run: replicas). */
  async startWorker(env: Record<string, string> = {}): Promise<RunningService<AudioWorkerEnv>> {
    const worker = await bootstrapService(audioWorkerService, { ...(await this.workerEnv()), ...env });
    this.workers.push(worker);
    return worker;
  }

  /** The env of a worker on this pipeline (in this process or another). */
  async workerEnv(): Promise<Record<string, string>> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      ...databaseEnv(this.workerDatabase),
      AMQP_URL: this.recordings.vhost.url,
      AUDIO_LOCAL_ROOT: this.root,
      AUDIO_JOB_RETRY_BASE_MS: '300',
      AUDIO_JOB_MAX_ATTEMPTS: '3',
    };
  }

  async stopWorker(worker: RunningService<AudioWorkerEnv>): Promise<void> {
    await worker.app.close();
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /** Puts bytes where storage's local driver keeps object `objectId` (and the worker reads it). */
  async putObject(organizationId: string, objectId: string, bytes: Buffer): Promise<void> {
    const file = this.objectPath(organizationId, objectId);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }

  /** `<root>/objects/<organizationId>/<objectId>`, storage's local layout. */
  objectPath(organizationId: string, objectId: string): string {
    return path.join(this.root, 'objects', organizationId, objectId);
  }

  /**
   * Publishes `storage.upload.completed` as storage does once an object is complete: size and
   * SHA-256 of the file in place (or of nothing, when the test wants the bytes missing).
   */
  async uploaded(upload: {
    organizationId: string;
    recordingId: string | null;
    objectId: string;
    contentType?: string;
  }) {
    const bytes = await readFile(this.objectPath(upload.organizationId, upload.objectId)).catch(() =>
      Buffer.alloc(0),
    );
    return this.storage.publish(EVENT_NAMES.uploadCompleted, {
      organizationId: upload.organizationId,
      uploadId: upload.objectId,
      objectId: upload.objectId,
      recordingId: upload.recordingId,
      sizeBytes: bytes.length,
      contentType: upload.contentType ?? 'audio/mpeg',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }

  async stop(): Promise<void> {
    for (const worker of this.workers.splice(0)) await worker.app.close().catch(() => undefined);
    await this.tap?.close().catch(() => undefined);
    await this.storage?.close().catch(() => undefined);
    await this.recordings?.stop();
    await this.workerDatabase?.drop().catch(() => undefined);
    await this.removeRoot?.();
  }
}

/**
 * An audio worker in its own process (apps/audio-worker/test/support/worker-process.js), so a test
 * can SIGKILL it mid-job as a crash or an OOM kill would.
 */
export async function forkWorker(
  harness: PipelineHarness,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, '..', 'apps/audio-worker/test/support/worker-process.js'), [], {
    env: { ...process.env, ...(await harness.workerEnv()), ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (message) =>
      message === 'ready' ? resolve() : reject(new Error(String(message))),
    );
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
  });
  return child;
}
