import * as path from 'node:path';
import { startFakeGemini, type FakeGemini } from '@platform/testing';
import { ffmpegPath } from '../src/analysis/ffmpeg';
import { GeminiTranscriptionProvider } from '../src/transcription/gemini.transcription';
import { NoTranscriptionProvider } from '../src/transcription/transcription.port';
import { makeAudio, scratchDir } from './support/test-audio';

/** The Gemini adapter over HTTP against a local fake of the Gemini REST API. */
describe('transcription: Gemini adapter (fake Gemini API)', () => {
  let gemini: FakeGemini;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let speech: string;
  const provider = (overrides: Partial<ConstructorParameters<typeof GeminiTranscriptionProvider>[0]> = {}) =>
    new GeminiTranscriptionProvider({
      apiKey: gemini.apiKey,
      baseUrl: gemini.baseUrl,
      model: 'gemini-2.5-flash',
      timeoutMs: 10_000,
      inlineMaxBytes: 20 * 1024 * 1024,
      ffmpeg: ffmpegPath(),
      workDir: scratch.dir,
      ...overrides,
    });
  const input = () => ({ path: speech, durationSeconds: 6.42, speechSeconds: 5.5 });

  beforeAll(async () => {
    [gemini, scratch] = await Promise.all([startFakeGemini(), scratchDir()]);
    speech = await makeAudio(path.join(scratch.dir, 'speech.mp3'), [{ speech: true }], 2);
  });
  afterAll(async () => {
    await gemini?.close();
    await scratch?.remove();
  });

  it('sends the audio inline as Opus and returns the transcript and summary Gemini answered', async () => {
    gemini.answer({
      kind: 'transcript',
      transcript: 'Hola, esta es una grabación de prueba.',
      summary: 'Una prueba.',
    });
    const before = gemini.calls.length;

    const transcript = await provider().transcribe(input());

    expect(transcript).toEqual({
      status: 'available',
      provider: 'gemini',
      text: 'Hola, esta es una grabación de prueba.',
      summary: 'Una prueba.',
      reason: null,
    });
    const call = gemini.calls[before];
    expect(call).toMatchObject({
      model: 'gemini-2.5-flash',
      mimeType: 'audio/ogg',
      responseMimeType: 'application/json',
    });
    expect(call.audio!.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(call.prompt).toContain('Transcribe');
  });

  it.each([
    [
      { kind: 'error', status: 503, message: 'The model is overloaded.' },
      'Gemini answered 503: The model is overloaded.',
    ],
    [{ kind: 'error', status: 429, message: 'Quota exceeded.' }, 'Gemini answered 429: Quota exceeded.'],
    [{ kind: 'blocked', reason: 'SAFETY' }, 'Gemini blocked the request: SAFETY'],
    [
      { kind: 'free-text', text: 'Sure! Here is the transcript: ...' },
      'Gemini answered something other than the requested JSON',
    ],
  ] as const)(
    'answers "unavailable" with the reason, never invented text, when Gemini %j',
    async (behaviour, reason) => {
      gemini.answer(behaviour);
      expect(await provider().transcribe(input())).toEqual({
        status: 'unavailable',
        provider: 'gemini',
        text: null,
        summary: null,
        reason,
      });
    },
  );

  it('says so when the API key is refused', async () => {
    const transcript = await provider({ apiKey: 'wrong-key' }).transcribe(input());
    expect(transcript).toMatchObject({
      status: 'unavailable',
      reason: 'Gemini answered 400: API key not valid. Please pass a valid API key.',
    });
  });

  it('does not call Gemini for a recording without speech', async () => {
    const before = gemini.calls.length;
    expect(await provider().transcribe({ ...input(), speechSeconds: 0 })).toEqual({
      status: 'available',
      provider: 'gemini',
      text: '',
      summary: '',
      reason: 'no speech detected',
    });
    expect(gemini.calls.length).toBe(before);
  });

  describe('beyond the inline cap: the Files API', () => {
    const large = (overrides: Parameters<typeof provider>[0] = {}) =>
      provider({ inlineMaxBytes: 1000, filePollIntervalMs: 10, ...overrides });

    it('uploads the Opus audio (resumable), prompts with its URI, and deletes the file afterwards', async () => {
      gemini.answer({ kind: 'transcript', transcript: 'Una llamada larga.', summary: 'Larga.' });
      gemini.processFiles({ polls: 0 });
      const [calls, files] = [gemini.calls.length, gemini.files.length];

      const transcript = await large().transcribe(input());

      expect(transcript).toEqual({
        status: 'available',
        provider: 'gemini',
        text: 'Una llamada larga.',
        summary: 'Larga.',
        reason: null,
      });
      expect(gemini.files.length).toBe(files + 1);
      const file = gemini.files.at(-1)!;
      expect(file.mimeType).toBe('audio/ogg');
      expect(file.bytes.length).toBeGreaterThan(1000);
      expect(file.bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
      expect(file.deleted).toBe(true);
      const call = gemini.calls[calls]!;
      // Named by URI, not inlined: the fake resolves the URI to the uploaded bytes.
      expect(call.fileUri).toBe(file.uri);
      expect(call.mimeType).toBe('audio/ogg');
      expect(call.audio!.equals(file.bytes)).toBe(true);
    });

    it('waits while the file is PROCESSING, then uses it', async () => {
      gemini.answer({ kind: 'transcript', transcript: 'Procesado.', summary: 'Ok.' });
      gemini.processFiles({ polls: 3 });

      expect(await large().transcribe(input())).toMatchObject({ status: 'available', text: 'Procesado.' });
      expect(gemini.files.at(-1)).toMatchObject({ processingPolls: 0, deleted: true });
    });

    it('a file Gemini cannot process: unavailable with its reason, and the file is deleted', async () => {
      gemini.processFiles({ polls: 1, failWith: 'Unsupported audio encoding' });
      const calls = gemini.calls.length;

      expect(await large().transcribe(input())).toMatchObject({
        status: 'unavailable',
        reason: 'the Files API could not process the audio: Unsupported audio encoding',
      });
      expect(gemini.files.at(-1)!.deleted).toBe(true);
      expect(gemini.calls.length).toBe(calls);
      gemini.processFiles({ polls: 0 });
    });

    it('a refused key at upload: unavailable, saying which step failed', async () => {
      expect(await large({ apiKey: 'wrong-key' }).transcribe(input())).toMatchObject({
        status: 'unavailable',
        reason:
          'Gemini Files API answered 400 starting the upload: API key not valid. Please pass a valid API key.',
      });
    });
  });

  it('without a provider configured, the transcript is unavailable and says why', async () => {
    expect(await new NoTranscriptionProvider().transcribe()).toEqual({
      status: 'unavailable',
      provider: null,
      text: null,
      summary: null,
      reason: 'transcript unavailable: no transcription provider is configured',
    });
  });
});
