import { defineStreamRoute } from './kinds/stream-route.definition';
import type { RouteDefinition } from './route-definition';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/** storage's default STORAGE_MAX_OBJECT_BYTES: one request never carries more than one object. */
const MAX_OBJECT = 5 * GiB;
/** Uploads are made by people and by integrations alike. */
const CREDENTIALS = ['user', 'api-key'] as const;

const common = { service: 'storage', credentials: CREDENTIALS, tag: 'Storage' } as const;

/**
 * Storage's byte routes (stream kind): bodies are piped to storage's internal port, never buffered
 * here; storage enforces its own limits (declared size, plan quota) while the bytes stream. tus 1.0
 * at /v1/uploads, the seed's chunk flow and single-shot upload, the authenticated download, and the
 * local driver's HMAC-signed links (`/v1/downloads/:id`): a signed-url stream, public at the gateway
 * and admitted by storage alone, from the link's signature (object, organization, expiry).
 */
export const STORAGE_ROUTES: RouteDefinition[] = [
  defineStreamRoute({
    ...common,
    id: 'storage.uploads.create',
    methods: ['POST', 'OPTIONS'],
    path: '/v1/uploads',
    auth: 'storage:write',
    rateLimit: 'write',
    // tus creation carries no body (Upload-Length announces the size).
    maxBodyBytes: 0,
    success: { description: 'tus creation: 201 with Location (OPTIONS: the server’s tus capabilities)' },
    summary: 'Create a resumable upload (tus 1.0: creation, termination, checksum sha256)',
  }),
  defineStreamRoute({
    ...common,
    id: 'storage.uploads.resource',
    methods: ['HEAD', 'PATCH', 'DELETE'],
    path: '/v1/uploads/:uploadId',
    auth: 'storage:write',
    rateLimit: 'write',
    maxBodyBytes: MAX_OBJECT,
    success: {
      description:
        'HEAD: Upload-Offset; PATCH: 204 with the new Upload-Offset (460 on a checksum mismatch); DELETE: 204',
    },
    summary: 'Resume, append to or terminate an upload (tus 1.0)',
  }),
  defineStreamRoute({
    ...common,
    id: 'storage.chunks.append',
    methods: ['POST'],
    path: '/v1/chunks/:recordingId',
    auth: 'storage:write',
    rateLimit: 'write',
    maxBodyBytes: 256 * MiB,
    success: {
      description: 'The chunk is appended (Chunk-Index in order, Chunk-Sha256 checked: 460 otherwise)',
    },
    summary: 'Append a chunk of a recording’s upload',
  }),
  defineStreamRoute({
    ...common,
    id: 'storage.chunks.finalize',
    methods: ['POST'],
    path: '/v1/finalize/:recordingId',
    auth: 'storage:write',
    rateLimit: 'write',
    maxBodyBytes: 16 * KiB,
    success: { description: 'The completed object (optional whole-file sha256 checked)' },
    summary: 'Finalize a recording’s chunked upload',
  }),
  defineStreamRoute({
    ...common,
    id: 'storage.upload.single',
    methods: ['POST'],
    path: '/v1/upload',
    auth: 'storage:write',
    rateLimit: 'write',
    maxBodyBytes: MAX_OBJECT,
    success: { description: '201 with the completed object' },
    summary: 'Upload a whole object in one request',
  }),
  defineStreamRoute({
    ...common,
    id: 'storage.objects.content',
    methods: ['GET', 'HEAD'],
    path: '/v1/storage/objects/:id/content',
    auth: 'storage:read',
    rateLimit: 'read',
    maxBodyBytes: 0,
    success: { description: 'The object’s bytes (Range: 206 with Content-Range)' },
    summary: 'Download an object',
  }),
  defineStreamRoute({
    service: 'storage',
    tag: 'Storage',
    id: 'storage.downloads.signed',
    methods: ['GET', 'HEAD'],
    path: '/v1/downloads/:id',
    auth: 'public',
    credential: 'signed-url',
    // Per client IP: nobody is authenticated here.
    rateLimit: 'public',
    maxBodyBytes: 0,
    success: {
      description:
        'The object’s bytes (Range: 206 with Content-Range). 403: invalid or tampered link; 410: expired link or deleted object',
    },
    summary:
      'Download an object by its signed link (`storage.object.download-url`; the link is the credential)',
  }),
];
