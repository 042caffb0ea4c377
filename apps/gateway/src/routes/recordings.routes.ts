import { z } from 'zod';
import { RECORDING_RPC as R, recordingRpc as S, recordingUpdateBodySchema } from '@platform/contracts';
import { defineRoute, type RouteCredential, type RouteDefinition } from './route-definition';

const SMALL_BODY = 16 * 1024;
const idParams = z.object({ id: z.string().uuid() });
/** Reads are data-plane: API keys and the seed's organization code may call them (its fixed role). */
const READERS: RouteCredential[] = ['user', 'api-key', 'organization-code'];
/** Writes: members and API keys; an organization code only reads. */
const WRITERS: RouteCredential[] = ['user', 'api-key'];

/**
 * Recordings (seed 004's Recordings Service): `/v1/recordings` and `/v1/status/:recordingId`. Every
 * route acts in the caller's current organization (the principal's), never in one named by the
 * request; another organization's recording answers 404 like a missing one.
 */
export const RECORDING_ROUTES: RouteDefinition[] = [
  defineRoute({
    id: 'recordings.create',
    method: 'POST',
    path: '/v1/recordings',
    rpc: R.create,
    auth: 'recordings:write',
    credentials: WRITERS,
    rateLimit: 'write',
    request: { body: S[R.create].request },
    idempotent: true,
    success: {
      status: 201,
      description:
        'The new recording, UPLOADING until storage reports its upload (403 PLAN_LIMIT_REACHED past the plan’s maxRecordings)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: 'Recordings',
    summary: 'Create a recording',
  }),
  defineRoute({
    id: 'recordings.list',
    method: 'GET',
    path: '/v1/recordings',
    rpc: R.list,
    auth: 'recordings:read',
    credentials: READERS,
    rateLimit: 'read',
    request: { query: S[R.list].request },
    success: {
      status: 200,
      description:
        'One page of the organization’s recordings: filters status, tags (all of them, comma-separated), q (title), createdFrom/createdTo; sort by createdAt, title, durationSeconds or sizeBytes (`-` descending; default -createdAt)',
    },
    tag: 'Recordings',
    summary: 'List recordings',
  }),
  defineRoute({
    id: 'recordings.get',
    method: 'GET',
    path: '/v1/recordings/:id',
    rpc: R.get,
    auth: 'recordings:read',
    credentials: READERS,
    rateLimit: 'read',
    request: { params: S[R.get].request },
    success: {
      status: 200,
      description: 'The recording (404 when absent, deleted or another organization’s)',
    },
    tag: 'Recordings',
    summary: 'Get a recording',
  }),
  defineRoute({
    id: 'recordings.update',
    method: 'PATCH',
    path: '/v1/recordings/:id',
    rpc: R.update,
    auth: 'recordings:write',
    credentials: WRITERS,
    rateLimit: 'write',
    request: { params: idParams, body: recordingUpdateBodySchema },
    toData: ({ params, body }) => ({ ...body, id: params.id as string }),
    success: {
      status: 200,
      description: 'The updated recording (metadata, when given, replaces the old one)',
    },
    bodyLimitBytes: SMALL_BODY,
    tag: 'Recordings',
    summary: 'Update a recording’s title, tags or metadata',
  }),
  defineRoute({
    id: 'recordings.delete',
    method: 'DELETE',
    path: '/v1/recordings/:id',
    rpc: R.delete,
    auth: 'recordings:delete',
    credentials: WRITERS,
    rateLimit: 'write',
    request: { params: S[R.delete].request },
    success: {
      status: 204,
      description: 'The recording is deleted (soft: it no longer counts against the plan)',
    },
    tag: 'Recordings',
    summary: 'Delete a recording',
  }),
  defineRoute({
    id: 'recordings.analysis',
    method: 'GET',
    path: '/v1/recordings/:id/analysis',
    rpc: R.analysis,
    auth: 'recordings:read',
    credentials: READERS,
    rateLimit: 'read',
    request: { params: S[R.analysis].request },
    success: {
      status: 200,
      description:
        'Duration, format, loudness (EBU R128), silence ratio, waveform peaks, speech segments and transcript (409 until READY)',
    },
    tag: 'Recordings',
    summary: 'Get a recording’s analysis',
  }),
  defineRoute({
    id: 'recordings.status',
    method: 'GET',
    path: '/v1/status/:recordingId',
    rpc: R.status,
    auth: 'recordings:read',
    credentials: READERS,
    rateLimit: 'read',
    request: { params: S[R.status].request },
    success: {
      status: 200,
      description:
        'Processing status: UPLOADING, UPLOADED, PROCESSING (with progress), READY or FAILED (with reason)',
    },
    tag: 'Recordings',
    summary: 'Get a recording’s processing status',
  }),
];
