import { defineServiceContract } from '../contract/service-contract';

/**
 * The campaigns service's contract. It has no feature yet: its RPC patterns and events join here with its
 * first one (`npx nx g @platform/tools:service-feature --service=campaigns --name=<feature>`).
 */
export const campaignsContract = defineServiceContract({ service: 'campaigns', rpc: {}, events: {} });
