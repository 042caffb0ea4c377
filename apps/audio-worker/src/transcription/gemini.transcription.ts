import { readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { runFfmpeg } from '../analysis/ffmpeg';
import { GeminiFiles, GeminiFilesError } from './gemini-files';
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
  /** Audio up to this size goes inline in the request; larger audio through the Files API. */
  inlineMaxBytes: number;
  /** Files API: how often and how long to wait for an uploaded file to become ACTIVE. */
  filePollIntervalMs?: number;
  fileActiveWithinMs?: number;
  ffmpeg: string;
  workDir?: string;
}

const PROMPT =
  'Transcribe this recording verbatim in its original language, then summarise it in two or three ' +
  'sentences in the same language. Answer only JSON: {"transcript": string, "summary": string}. ' +
  'If nobody speaks, answer {"transcript": "", "summary": ""}.';

/** The audio part of a request: inline bytes, or a file uploaded through the Files API. */
type AudioPart =
  | { inline_data: { mime_type: string; data: string } }
  | { file_data: { mime_type: string; file_uri: string } };

interface GenerateContentResponse {
  candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
  error?: { message?: string; status?: string };
}

/**
 * Gemini through its REST API (`models/{model}:generateContent`), audio sent inline. The recording is
 * re-encoded first to 16 kHz mono Opus (24 kb/s: an hour is ~11 MB), a format Gemini reads, so any
 * input format works. Up to `inlineMaxBytes` the audio goes inline; beyond, it is uploaded through
 * the Files API (streamed from disk), named by its URI in the request, and deleted afterwards.
 */
export class GeminiTranscriptionProvider extends TranscriptionProvider {
  private readonly files: GeminiFiles;

  constructor(private readonly options: GeminiOptions) {
    super();
    this.files = new GeminiFiles({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      pollIntervalMs: options.filePollIntervalMs,
      activeWithinMs: options.fileActiveWithinMs,
    });
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
      const { size } = await stat(encoded);
      if (size <= this.options.inlineMaxBytes) {
        const data = (await readFile(encoded)).toString('base64');
        return await this.generate({ inline_data: { mime_type: 'audio/ogg', data } }, signal);
      }
      return await this.generateFromFile(encoded, signal);
    } finally {
      await rm(encoded, { force: true });
    }
  }

  private async generateFromFile(encoded: string, signal?: AbortSignal): Promise<Transcript> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let file;
    try {
      file = await this.files.upload(
        encoded,
        'audio/ogg',
        signal ? AbortSignal.any([signal, timeout]) : timeout,
      );
    } catch (error) {
      signal?.throwIfAborted();
      const message = (error as Error).message;
      return unavailable(
        'gemini',
        error instanceof GeminiFilesError ? message : `Gemini unreachable: ${message}`,
      );
    }
    try {
      return await this.generate({ file_data: { mime_type: file.mimeType, file_uri: file.uri } }, signal);
    } finally {
      await this.files.delete(file.name);
    }
  }

  private async generate(audio: AudioPart, signal?: AbortSignal): Promise<Transcript> {
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
              parts: [{ text: PROMPT }, audio],
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
