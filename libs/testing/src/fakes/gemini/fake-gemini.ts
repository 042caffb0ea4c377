import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendJson } from '../http/http-io';
import { closeServer, listenOnLoopback } from '../http/listen';

/** Gemini accepts up to 20 MB of inline data per request; JSON and base64 add about a third. */
const MAX_REQUEST_BYTES = 28 * 1024 * 1024;

/** One `generateContent` call as the fake received it. */
export interface GeminiCall {
  model: string;
  prompt: string;
  /** The inline audio's declared type and its decoded bytes. */
  mimeType: string | null;
  audio: Buffer | null;
  responseMimeType: string | null;
}

/** What the next calls answer: JSON text with transcript and summary, or a failure the real API has. */
export type GeminiBehaviour =
  | { kind: 'transcript'; transcript: string; summary: string }
  | { kind: 'error'; status: 429 | 500 | 503; message: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'free-text'; text: string };

export interface FakeGemini {
  /** Stands for https://generativelanguage.googleapis.com. */
  baseUrl: string;
  apiKey: string;
  readonly calls: GeminiCall[];
  answer(behaviour: GeminiBehaviour): void;
  close(): Promise<void>;
}

interface Part {
  text?: string;
  inline_data?: { mime_type?: string; data?: string };
  inlineData?: { mimeType?: string; data?: string };
}

/**
 * A fake of the Gemini REST API's `POST /v1beta/models/{model}:generateContent`, as the worker's
 * adapter calls it: API key in `x-goog-api-key` (or `?key=`), audio as inline data (snake_case or
 * camelCase, both accepted by Google), the answer in `candidates[0].content.parts[].text`. A wrong
 * key gets Google's 400 INVALID_ARGUMENT "API key not valid"; a request without contents gets 400.
 */
export async function startFakeGemini(options: { apiKey?: string } = {}): Promise<FakeGemini> {
  const apiKey = options.apiKey ?? `fake-gemini-${randomBytes(8).toString('hex')}`;
  const calls: GeminiCall[] = [];
  let behaviour: GeminiBehaviour = { kind: 'transcript', transcript: '', summary: '' };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(url.pathname);
    if (req.method !== 'POST' || !route) {
      return googleError(res, 404, 'NOT_FOUND', `Method not found: ${req.method} ${url.pathname}`);
    }
    const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (key !== apiKey) {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
    }
    const body = JSON.parse(await readLargeBody(req)) as {
      contents?: { parts?: Part[] }[];
      generationConfig?: { responseMimeType?: string };
    };
    const parts = body.contents?.flatMap((content) => content.parts ?? []) ?? [];
    if (parts.length === 0) return googleError(res, 400, 'INVALID_ARGUMENT', '* contents: must not be empty');
    const inline = parts.map((part) => part.inline_data ?? part.inlineData).find(Boolean);
    const mimeType = inline
      ? ((inline as { mime_type?: string }).mime_type ?? (inline as { mimeType?: string }).mimeType ?? null)
      : null;
    calls.push({
      model: decodeURIComponent(route[1]),
      prompt: parts.map((part) => part.text ?? '').join(''),
      mimeType,
      audio: inline?.data ? Buffer.from(inline.data, 'base64') : null,
      responseMimeType: body.generationConfig?.responseMimeType ?? null,
    });
    switch (behaviour.kind) {
      case 'error':
        return googleError(
          res,
          behaviour.status,
          behaviour.status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE',
          behaviour.message,
        );
      case 'blocked':
        return sendJson(res, 200, { promptFeedback: { blockReason: behaviour.reason } });
      case 'free-text':
        return sendJson(res, 200, candidate(behaviour.text));
      case 'transcript':
        return sendJson(
          res,
          200,
          candidate(JSON.stringify({ transcript: behaviour.transcript, summary: behaviour.summary })),
        );
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) googleError(res, 400, 'INVALID_ARGUMENT', `fake Gemini: ${error.message}`);
      else res.destroy(error);
    });
  });
  const port = await listenOnLoopback(server);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey,
    calls,
    answer: (next) => {
      behaviour = next;
    },
    close: () => closeServer(server),
  };
}

function candidate(text: string) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
  };
}

function googleError(res: ServerResponse, code: number, status: string, message: string): void {
  sendJson(res, code, { error: { code, message, status } });
}

async function readLargeBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new Error('Request payload size exceeds the limit');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
