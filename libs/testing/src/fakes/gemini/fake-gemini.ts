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
  /** The audio's declared type and its bytes (decoded inline data, or the uploaded file's). */
  mimeType: string | null;
  audio: Buffer | null;
  /** `file_data.file_uri` when the audio came through the Files API, else null. */
  fileUri: string | null;
  responseMimeType: string | null;
}

/** What the next calls answer: JSON text with transcript and summary, or a failure the real API has. */
export type GeminiBehaviour =
  | { kind: 'transcript'; transcript: string; summary: string }
  | { kind: 'error'; status: 429 | 500 | 503; message: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'free-text'; text: string };

/** A file uploaded through the fake's Files API. */
export interface GeminiUploadedFile {
  name: string;
  uri: string;
  mimeType: string;
  bytes: Buffer;
  /** GET polls it still answers PROCESSING before ACTIVE (or FAILED). */
  processingPolls: number;
  failWith?: string;
  deleted: boolean;
}

export interface FakeGemini {
  /** Stands for https://generativelanguage.googleapis.com. */
  baseUrl: string;
  apiKey: string;
  readonly calls: GeminiCall[];
  /** Files uploaded through the Files API, in order (deleted ones included, marked). */
  readonly files: GeminiUploadedFile[];
  answer(behaviour: GeminiBehaviour): void;
  /** How the next uploaded files behave: PROCESSING for `polls` GETs, then ACTIVE or FAILED. */
  processFiles(next: { polls: number; failWith?: string }): void;
  close(): Promise<void>;
}

interface Part {
  text?: string;
  inline_data?: { mime_type?: string; data?: string };
  inlineData?: { mimeType?: string; data?: string };
  file_data?: { mime_type?: string; file_uri?: string };
  fileData?: { mimeType?: string; fileUri?: string };
}

/**
 * A fake of the Gemini REST API's `POST /v1beta/models/{model}:generateContent`, as the worker's
 * adapter calls it: API key in `x-goog-api-key` (or `?key=`), audio as inline data (snake_case or
 * camelCase, both accepted by Google), the answer in `candidates[0].content.parts[].text`. A wrong
 * key gets Google's 400 INVALID_ARGUMENT "API key not valid"; a request without contents gets 400.
 * And the Files API as the REST docs give it: the resumable upload (`POST /upload/v1beta/files`,
 * `X-Goog-Upload-Command: start` → `x-goog-upload-url`; then `upload, finalize` with the bytes),
 * `GET` and `DELETE /v1beta/files/{id}`, and `file_data.file_uri` in prompts (a URI of a file never
 * uploaded, or deleted, gets 403 PERMISSION_DENIED as Google answers).
 */
export async function startFakeGemini(options: { apiKey?: string } = {}): Promise<FakeGemini> {
  const apiKey = options.apiKey ?? `fake-gemini-${randomBytes(8).toString('hex')}`;
  const calls: GeminiCall[] = [];
  let behaviour: GeminiBehaviour = { kind: 'transcript', transcript: '', summary: '' };
  const files: GeminiUploadedFile[] = [];
  let fileProcessing: { polls: number; failWith?: string } = { polls: 0 };
  const sessions = new Map<string, { declaredBytes: number; mimeType: string }>();
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/upload/v1beta/files') || url.pathname.startsWith('/v1beta/files/')) {
      return handleFiles(req, res, url);
    }
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
    const byFile = parts.find((part) => part.file_data ?? part.fileData);
    const fileUri = byFile ? (byFile.file_data?.file_uri ?? byFile.fileData?.fileUri ?? null) : null;
    const file = fileUri
      ? files.find((candidate) => candidate.uri === fileUri && !candidate.deleted)
      : undefined;
    if (fileUri && !file) {
      return googleError(
        res,
        403,
        'PERMISSION_DENIED',
        `You do not have permission to access the File ${fileUri} or it may not exist.`,
      );
    }
    const mimeType = inline
      ? ((inline as { mime_type?: string }).mime_type ?? (inline as { mimeType?: string }).mimeType ?? null)
      : (byFile?.file_data?.mime_type ?? byFile?.fileData?.mimeType ?? null);
    calls.push({
      model: decodeURIComponent(route[1]),
      prompt: parts.map((part) => part.text ?? '').join(''),
      mimeType,
      audio: inline?.data ? Buffer.from(inline.data, 'base64') : (file?.bytes ?? null),
      fileUri,
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

  const handleFiles = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const sessionId = url.searchParams.get('upload_id');
    if (req.method === 'POST' && sessionId) {
      // The session URL carries no key (Google's does not need one either).
      const session = sessions.get(sessionId);
      if (!session) return googleError(res, 404, 'NOT_FOUND', 'No such upload session');
      if (
        req.headers['x-goog-upload-command'] !== 'upload, finalize' ||
        req.headers['x-goog-upload-offset'] !== '0'
      ) {
        return googleError(
          res,
          400,
          'INVALID_ARGUMENT',
          'fake Gemini: only one upload, finalize at offset 0',
        );
      }
      const bytes = await readBytes(req);
      if (bytes.length !== session.declaredBytes) {
        return googleError(res, 400, 'INVALID_ARGUMENT', 'Upload size does not match the declared length');
      }
      sessions.delete(sessionId);
      const id = randomBytes(6).toString('hex');
      const file: GeminiUploadedFile = {
        name: `files/${id}`,
        uri: `${baseUrl}/v1beta/files/${id}`,
        mimeType: session.mimeType,
        bytes,
        processingPolls: fileProcessing.polls,
        ...(fileProcessing.failWith ? { failWith: fileProcessing.failWith } : {}),
        deleted: false,
      };
      files.push(file);
      return sendJson(res, 200, { file: resourceOf(file) });
    }
    const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (key !== apiKey) {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
    }
    if (req.method === 'POST' && url.pathname === '/upload/v1beta/files') {
      if (
        req.headers['x-goog-upload-protocol'] !== 'resumable' ||
        req.headers['x-goog-upload-command'] !== 'start'
      ) {
        return googleError(res, 400, 'INVALID_ARGUMENT', 'fake Gemini: resumable start expected');
      }
      await readBytes(req);
      const id = randomBytes(8).toString('hex');
      sessions.set(id, {
        declaredBytes: Number(req.headers['x-goog-upload-header-content-length']),
        mimeType: String(req.headers['x-goog-upload-header-content-type'] ?? 'application/octet-stream'),
      });
      res.writeHead(200, {
        'x-goog-upload-url': `${baseUrl}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
        'x-goog-upload-status': 'active',
      });
      return void res.end();
    }
    const file = files.find(
      (candidate) => `/v1beta/${candidate.name}` === url.pathname && !candidate.deleted,
    );
    if (!file)
      return googleError(
        res,
        403,
        'PERMISSION_DENIED',
        'You do not have permission to access the File or it may not exist.',
      );
    if (req.method === 'GET') {
      if (file.processingPolls > 0) file.processingPolls -= 1;
      return sendJson(res, 200, resourceOf(file));
    }
    if (req.method === 'DELETE') {
      file.deleted = true;
      return sendJson(res, 200, {});
    }
    return googleError(res, 404, 'NOT_FOUND', `Method not found: ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) googleError(res, 400, 'INVALID_ARGUMENT', `fake Gemini: ${error.message}`);
      else res.destroy(error);
    });
  });
  const port = await listenOnLoopback(server);
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    apiKey,
    calls,
    files,
    answer: (next) => {
      behaviour = next;
    },
    processFiles: (next) => {
      fileProcessing = next;
    },
    close: () => closeServer(server),
  };
}

function resourceOf(file: GeminiUploadedFile) {
  const state = file.processingPolls > 0 ? 'PROCESSING' : file.failWith ? 'FAILED' : 'ACTIVE';
  return {
    name: file.name,
    uri: file.uri,
    mimeType: file.mimeType,
    sizeBytes: String(file.bytes.length),
    state,
    ...(state === 'FAILED' ? { error: { code: 3, message: file.failWith } } : {}),
  };
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
