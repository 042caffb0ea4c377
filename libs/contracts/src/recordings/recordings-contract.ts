import { defineServiceContract } from '../contract/service-contract';

/**
 * The recordings service's contract. It has no feature yet: its RPC patterns and events join here with its
 * first one (`npx nx g @platform/tools:service-feature --service=recordings --name=<feature>`).
 */
export const recordingsContract = defineServiceContract({ service: 'recordings', rpc: {}, events: {} });
