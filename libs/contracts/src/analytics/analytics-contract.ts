import { defineServiceContract } from '../contract/service-contract';

/**
 * The analytics service's contract. It has no feature yet: its RPC patterns and events join here with its
 * first one (`npx nx g @platform/tools:service-feature --service=analytics --name=<feature>`).
 */
export const analyticsContract = defineServiceContract({ service: 'analytics', rpc: {}, events: {} });
