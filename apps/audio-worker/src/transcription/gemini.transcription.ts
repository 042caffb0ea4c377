import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { runFfmpeg } from '../analysis/ffmpeg';
import {
  TranscriptionProvider,
  unavailable,
  type Transcript,
  type TranscriptionInput,
} from './transcription.port';

export interface GeminiOptions {
  apiKey: string;
  /** https://generativelanguage.googleapis.com, or a local fake in tests. */
  baseUrl: string;
  model: string;
  timeoutMs: number;
  /** Inline audio cap (Gemini takes up to 20 MB of inline data per request). */
  inlineMaxBytes: number;
  ffmpeg: string;
  workDir?: string;
}

const PROMPT =
  'Transcribe this recording verbatim in its original language, then summarise it in two or three ' +
  'sentences in the same language. Answer only JSON: {"transcript": string, "summary": string}. ' +
  'If nobody speaks, answer {"transcript": "", "summary": ""}.';

interface GenerateContentResponse {
  candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
  error?: { message?: string; status?: string };
}

/**
 * Gemini through its REST API (`models/{model}:generateContent`), audio sent inline. The recording is
 * re-encoded first to 16 kHz mono Opus (24 kb/s: an hour is ~11 MB), a format Gemini reads, so any
 * input format works and long recordings fit inline; beyond `inlineMaxBytes` the transcript is
 * unavailable with that reason (the Files API upload is not built).
 */
export class GeminiTranscriptionProvider extends TranscriptionProvider {
  constructor(private readonly options: GeminiOptions) {
    super();
  }

  async transcribe(input: TranscriptionInput, signal?: AbortSignal): Promise<Transcript> {
    if (input.speechSeconds === 0) {
      return { status: 'available', provider: 'gemini', text: '', summary: '', reason: 'no speech detected' };
    }
    const encoded = path.join(this.options.workDir ?? tmpdir(), `transcribe-${randomUUID()}.ogg`);
    try {
      const run = runFfmpeg(
        this.options.ffmpeg,
        [
          '-i',
          input.path,
          '-vn',
          '-ac',
          '1',
          '-ar',
          '16000',
          '-c:a',
          'libopus',
          '-b:a',
          '24k',
          '-y',
          encoded,
        ],
        { signal },
      );
      run.stdout.resume();
      const { code, lastLines } = await run.done;
      if (code !== 0)
        return unavailable('gemini', `could not encode audio for Gemini: ${lastLines.at(-1) ?? ''}`);
      const audio = await readFile(encoded);
      if (audio.length > this.options.inlineMaxBytes) {
        return unavailable('gemini', `audio too large for an inline Gemini request (${audio.length} bytes)`);
      }
      return await this.generate(audio, signal);
    } finally {
      await rm(encoded, { force: true });
    }
  }

  private async generate(audio: Buffer, signal?: AbortSignal): Promise<Transcript> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}/v1beta/models/${encodeURIComponent(this.options.model)}:generateContent`;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': this.options.apiKey },
        body: JSON.stringify({
          contents: [
            {
              role: 'user',
              parts: [
                { text: PROMPT },
                { inline_data: { mime_type: 'audio/ogg', data: audio.toString('base64') } },
              ],
            },
          ],
          generationConfig: { responseMimeType: 'application/json', temperature: 0 },
        }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      signal?.throwIfAborted();
      return unavailable('gemini', `Gemini unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as GenerateContentResponse;
    if (!response.ok) {
      return unavailable(
        'gemini',
        `Gemini answered ${response.status}: ${body.error?.message ?? 'no message'}`,
      );
    }
    if (body.promptFeedback?.blockReason) {
      return unavailable('gemini', `Gemini blocked the request: ${body.promptFeedback.blockReason}`);
    }
    const text = body.candidates?.[0]?.content?.parts?.map((part) => part.text ?? '').join('') ?? '';
    try {
      const parsed = JSON.parse(text) as { transcript?: unknown; summary?: unknown };
      if (typeof parsed.transcript !== 'string' || typeof parsed.summary !== 'string')
        throw new Error('fields');
      return {
        status: 'available',
        provider: 'gemini',
        text: parsed.transcript,
        summary: parsed.summary,
        reason: null,
      };
    } catch {
      return unavailable('gemini', 'Gemini answered something other than the requested JSON');
    }
  }
}
