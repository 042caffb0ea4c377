/**
 * @jest-environment ./apps/audio-worker/test/support/onnx-environment.js
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AudioAnalysis } from '@platform/contracts';
import { makeAudio } from '../apps/audio-worker/test/support/test-audio';
import { register, type Account } from './support/accounts';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startFakeS3, type FakeS3 } from '@platform/testing';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';
import { settledStatus, uploadInChunks, uploadWithTus } from './support/recording-upload';

const TONE = { hz: 440, seconds: 3, amplitude: 0.5 };
/** 10 s built as silence 2, tone 3, silence 2, tone 3: 4 s of 10 silent. */
const PARTS = [{ silence: 2 }, { tone: TONE }, { silence: 2 }, { tone: TONE }];
const DURATION_SECONDS = 10;
const SILENCE_RATIO = 0.4;
/** PCM WAV: ffmpeg reads the exact sample count, so a few ms cover rounding of the header. */
const DURATION_TOLERANCE = 0.05;
/** silencedetect's edges move by a few analysis windows around each tone. */
const SILENCE_TOLERANCE = 0.03;
/** Small chunks so both flows send several requests (the file is ~880 KB). */
const CHUNK_BYTES = 256 * 1024;

let audio: Buffer;
let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'e2e-upload-flow-'));
  audio = await readFile(await makeAudio(path.join(workDir, 'call.wav'), PARTS));
}, 60_000);
afterAll(() => rm(workDir, { recursive: true, force: true }));

/**
 * The full flow through the gateway on the whole platform: a user creates a recording,
 * uploads real audio through the gateway's stream routes (seed chunks + finalize, and tus), storage
 * publishes `storage.upload.completed`, recordings hands the job to the audio worker, the worker
 * reads the bytes and reports the analysis: READY, with the audio's real duration and silence.
 */
function describeFlow(title: string, env: Record<string, string> | (() => Record<string, string>)) {
  describe(title, () => {
    const suite = usePlatform(() => ({ ...GENEROUS_LIMITS, ...(typeof env === 'function' ? env() : env) }));
    let owner: Account;
    let stranger: Account;

    beforeAll(async () => {
      [owner, stranger] = await Promise.all([
        register(suite.api, 'upload-flow-owner'),
        register(suite.api, 'upload-flow-stranger'),
      ]);
    }, 60_000);

    const createRecording = async (name: string) => {
      const created = await suite.api.post<{ id: string; status: string }>('/v1/recordings', {
        token: owner.tokens.accessToken,
        json: { title: name },
      });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('UPLOADING');
      return created.body.id;
    };

    async function expectReadyWithAnalysis(recordingId: string) {
      const final = await settledStatus(suite.api, owner.tokens.accessToken, recordingId);
      expect(final).toMatchObject({ status: 'READY', progress: 100, failureReason: null });
      const read = await suite.api.get<{ sizeBytes: number; status: string }>(
        `/v1/recordings/${recordingId}`,
        {
          token: owner.tokens.accessToken,
        },
      );
      expect(read.body).toMatchObject({ status: 'READY', sizeBytes: audio.length });
      const { status, body } = await suite.api.get<{ analysis: AudioAnalysis }>(
        `/v1/recordings/${recordingId}/analysis`,
        { token: owner.tokens.accessToken },
      );
      expect(status).toBe(200);
      expect(Math.abs(body.analysis.durationSeconds - DURATION_SECONDS)).toBeLessThanOrEqual(
        DURATION_TOLERANCE,
      );
      expect(Math.abs(body.analysis.silence.ratio - SILENCE_RATIO)).toBeLessThanOrEqual(SILENCE_TOLERANCE);
      expect(body.analysis).toMatchObject({ codec: 'pcm_s16le', channels: 1, sampleRateHz: 44100 });
    }

    async function expectHiddenFromStranger(recordingId: string, objectId: string) {
      const token = stranger.tokens.accessToken;
      const status = await suite.api.get(`/v1/status/${recordingId}`, { token });
      expect(status.status).toBe(404);
      const analysis = await suite.api.get(`/v1/recordings/${recordingId}/analysis`, { token });
      expect(analysis.status).toBe(404);
      const download = await fetch(`${suite.platform.gateway.url}/v1/storage/objects/${objectId}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(download.status).toBe(404);
      expect(download.headers.get('content-type')).toContain('application/problem+json');
      // The owner, by contrast, gets the very bytes back through the same route.
      const own = await fetch(`${suite.platform.gateway.url}/v1/storage/objects/${objectId}/content`, {
        headers: { authorization: `Bearer ${owner.tokens.accessToken}` },
      });
      expect(own.status).toBe(200);
      expect(Buffer.from(await own.arrayBuffer()).equals(audio)).toBe(true);
    }

    it('seed flow: chunks + finalize through the gateway → READY with the analysis of the audio sent', async () => {
      const recordingId = await createRecording('Chunked call');
      const object = await uploadInChunks(
        suite.platform.gateway.url,
        owner.tokens.accessToken,
        recordingId,
        audio,
        CHUNK_BYTES,
      );
      expect(object).toMatchObject({ status: 'completed', sizeBytes: audio.length });

      await expectReadyWithAnalysis(recordingId);
      await expectHiddenFromStranger(recordingId, object.id);
    }, 180_000);

    it('tus through the gateway (recordingId in Upload-Metadata) → READY with the analysis', async () => {
      const recordingId = await createRecording('Resumable call');
      const uploadUrl = await uploadWithTus(
        suite.platform.gateway.url,
        owner.tokens.accessToken,
        recordingId,
        audio,
        CHUNK_BYTES,
      );
      expect(uploadUrl.startsWith(`${suite.platform.gateway.url}/v1/uploads/`)).toBe(true);

      await expectReadyWithAnalysis(recordingId);
      await expectHiddenFromStranger(recordingId, uploadUrl.split('/').pop()!);
    }, 180_000);

    it('an upload by another organization naming this recording does not become its audio', async () => {
      const recordingId = await createRecording('Targeted call');
      // The stranger's bytes (3 s of tone, no silence) go first, naming the owner's recording id:
      // storage keeps them as the stranger's object, and recordings, running the event under the
      // stranger's tenant, must not find (nor advance) the owner's recording.
      const foreign = await readFile(
        await makeAudio(path.join(workDir, `foreign-${recordingId}.wav`), [{ tone: TONE }]),
      );
      const planted = await uploadInChunks(
        suite.platform.gateway.url,
        stranger.tokens.accessToken,
        recordingId,
        foreign,
        CHUNK_BYTES,
      );
      expect(planted.sizeBytes).toBe(foreign.length);

      await uploadInChunks(
        suite.platform.gateway.url,
        owner.tokens.accessToken,
        recordingId,
        audio,
        CHUNK_BYTES,
      );
      // Whatever order the two events were handled in, the recording holds the owner's 10 s.
      await expectReadyWithAnalysis(recordingId);
    }, 180_000);
  });
}

// The worker on storage's local files (the harness gives both the same root).
describeFlow('recording upload flow through the gateway (worker reads storage’s local files)', {
  AUDIO_SOURCE: 'local',
});

// The worker on a signed download link from storage's internal port (the harness passes storage's
// URL); storage and worker share the link secret, as in production. The worker's local root points at
// an empty directory, so READY here can only come from bytes downloaded over HTTP.
describeFlow('recording upload flow through the gateway (worker downloads a signed storage link)', {
  AUDIO_SOURCE: 'storage',
  AUDIO_LOCAL_ROOT: path.join(tmpdir(), `e2e-no-such-root-${randomBytes(6).toString('hex')}`),
  STORAGE_DOWNLOAD_URL_SECRET: randomBytes(32).toString('base64url'),
});

// Storage on its S3 driver (a local S3-compatible server through the real AWS SDK), the worker on a
// signed link from storage's internal port: storage streams the object out of S3 (store.read), so
// READY here proves the worker analyses bytes that only ever lived in the bucket. Storage's local
// root and the worker's are empty directories.
describe('with storage on S3', () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3();
  }, 30_000);
  afterAll(() => s3?.stop());

  describeFlow(
    'recording upload flow through the gateway (storage on S3, worker downloads a signed link)',
    () => ({
      ...s3.env,
      AUDIO_SOURCE: 'storage',
      AUDIO_LOCAL_ROOT: path.join(tmpdir(), `e2e-no-such-root-${randomBytes(6).toString('hex')}`),
      STORAGE_DOWNLOAD_URL_SECRET: randomBytes(32).toString('base64url'),
    }),
  );

  it('the analysed bytes lived in the bucket: one object of the audio size per upload', async () => {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    // The three flows above each completed one upload of the 10 s file (the stranger's planted 3 s
    // tone is another size).
    const ofAudioSize = (listed.Contents ?? []).filter((object) => object.Size === audio.length);
    expect(ofAudioSize).toHaveLength(3);
    client.destroy();
  });
});
