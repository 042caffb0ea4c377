import { defineServiceContract } from '../contract/service-contract';

/**
 * The audio-worker service's contract. It has no feature yet: its RPC patterns and events join here with its
 * first one (`npx nx g @platform/tools:service-feature --service=audio-worker --name=<feature>`).
 */
export const audioWorkerContract = defineServiceContract({ service: 'audio-worker', rpc: {}, events: {} });
