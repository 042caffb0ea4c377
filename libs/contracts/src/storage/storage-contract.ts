import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';
import { multipartRpc } from './multipart.rpc';
import { objectRpc } from './object.rpc';

/**
 * Storage: objects of an organization and presigned multipart uploads over RPC. Bytes travel over
 * HTTP only (tus, chunks, single-shot, downloads: the gateway's stream routes), never over RabbitMQ.
 */
export const storageContract = defineServiceContract({
  service: 'storage',
  rpc: { ...objectRpc, ...multipartRpc },
  events: {
    [EVENT_NAMES.uploadCompleted]: eventPayloadSchemas[EVENT_NAMES.uploadCompleted],
    [EVENT_NAMES.objectDeleted]: eventPayloadSchemas[EVENT_NAMES.objectDeleted],
  },
});
