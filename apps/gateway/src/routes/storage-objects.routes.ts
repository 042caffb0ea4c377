import { MULTIPART_RPC as M, multipartRpc as MS, OBJECT_RPC as R, objectRpc as S } from '@platform/contracts';
import { defineRoute, type RouteDefinition } from './route-definition';

const SMALL_BODY = 16 * 1024;
/** A complete with 10,000 parts ({partNumber, etag} ≈ 60 bytes each). */
const PARTS_BODY = 1024 * 1024;
/** Uploads are made by people and by integrations alike. */
const CREDENTIALS = ['user', 'api-key'] as const;

/**
 * Storage's RPC routes: objects (`/v1/storage/objects`) and presigned S3 multipart upload
 * (`/v1/storage/multipart`). Bytes never go through these: uploads use the stream routes
 * (storage.routes.ts) or S3 directly. Every route acts in the caller's current organization.
 */
export const STORAGE_OBJECT_ROUTES: RouteDefinition[] = [
  defineRoute({
    id: 'storage.objects.list',
    method: 'GET',
    path: '/v1/storage/objects',
    rpc: R.list,
    auth: 'storage:read',
    credentials: CREDENTIALS,
    rateLimit: 'read',
    request: { query: S[R.list].request },
    success: { status: 200, description: 'One page of the organization’s objects (oldest first)' },
    tag: 'Storage',
    summary: 'List objects',
  }),
  defineRoute({
    id: 'storage.objects.get',
    method: 'GET',
    path: '/v1/storage/objects/:id',
    rpc: R.get,
    auth: 'storage:read',
    credentials: CREDENTIALS,
    rateLimit: 'read',
    request: { params: S[R.get].request },
    success: { status: 200, description: 'The object (404 when absent or another organization’s)' },
    tag: 'Storage',
    summary: 'Get an object',
  }),
  defineRoute({
    id: 'storage.objects.delete',
    method: 'DELETE',
    path: '/v1/storage/objects/:id',
    rpc: R.delete,
    auth: 'storage:write',
    credentials: CREDENTIALS,
    rateLimit: 'write',
    request: { params: S[R.delete].request },
    success: { status: 204, description: 'The object and its bytes are gone' },
    tag: 'Storage',
    summary: 'Delete an object',
  }),
  defineRoute({
    id: 'storage.objects.download-url',
    method: 'POST',
    path: '/v1/storage/objects/:id/download-url',
    rpc: R.downloadUrl,
    auth: 'storage:read',
    credentials: CREDENTIALS,
    rateLimit: 'read',
    request: { params: S[R.downloadUrl].request },
    success: { status: 200, description: 'A short-lived signed URL of the object (Range supported)' },
    tag: 'Storage',
    summary: 'Get a download link',
  }),
  defineRoute({
    id: 'storage.multipart.initiate',
    method: 'POST',
    path: '/v1/storage/multipart',
    rpc: M.initiate,
    auth: 'storage:write',
    credentials: CREDENTIALS,
    rateLimit: 'write',
    request: { body: MS[M.initiate].request },
    success: { status: 201, description: 'The upload, its part size and count (quota reserved)' },
    bodyLimitBytes: SMALL_BODY,
    tag: 'Storage',
    summary: 'Start a presigned multipart upload (S3 driver only)',
  }),
  defineRoute({
    id: 'storage.multipart.part-urls',
    method: 'POST',
    path: '/v1/storage/multipart/:objectId/part-urls',
    rpc: M.partUrls,
    auth: 'storage:write',
    credentials: CREDENTIALS,
    rateLimit: 'write',
    request: {
      params: MS[M.partUrls].request.pick({ objectId: true }),
      body: MS[M.partUrls].request.pick({ partNumbers: true }),
    },
    success: { status: 200, description: 'Presigned PUT URLs of the parts' },
    bodyLimitBytes: SMALL_BODY,
    tag: 'Storage',
    summary: 'Sign part URLs',
  }),
  defineRoute({
    id: 'storage.multipart.complete',
    method: 'POST',
    path: '/v1/storage/multipart/:objectId/complete',
    rpc: M.complete,
    auth: 'storage:write',
    credentials: CREDENTIALS,
    rateLimit: 'write',
    request: {
      params: MS[M.complete].request.pick({ objectId: true }),
      body: MS[M.complete].request.pick({ parts: true }),
    },
    success: { status: 200, description: 'The completed object' },
    bodyLimitBytes: PARTS_BODY,
    tag: 'Storage',
    summary: 'Complete a presigned multipart upload',
  }),
  defineRoute({
    id: 'storage.multipart.abort',
    method: 'DELETE',
    path: '/v1/storage/multipart/:objectId',
    rpc: M.abort,
    auth: 'storage:write',
    credentials: CREDENTIALS,
    rateLimit: 'write',
    request: { params: MS[M.abort].request },
    success: { status: 204, description: 'The upload is aborted; its quota is free again' },
    tag: 'Storage',
    summary: 'Abort a presigned multipart upload',
  }),
];
