import { defineServiceContract } from '../contract/service-contract';

/**
 * The voice service's contract. It has no feature yet: its RPC patterns and events join here with its
 * first one (`npx nx g @platform/tools:service-feature --service=voice --name=<feature>`).
 */
export const voiceContract = defineServiceContract({ service: 'voice', rpc: {}, events: {} });
