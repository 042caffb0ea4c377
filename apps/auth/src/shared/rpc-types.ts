import type { z } from 'zod';
import type { RpcEnvelope, authRpcSchemas } from '@platform/contracts';

type Schemas = typeof authRpcSchemas;
type Pattern = keyof Schemas;

/** `data` of a request after validation (defaults applied, strings trimmed/lowercased). */
export type AuthRequest<P extends Pattern> = z.output<Schemas[P]['request']>;
/** The reply of a pattern, as the contract declares it. */
export type AuthResult<P extends Pattern> = z.input<Schemas[P]['result']>;
/** The envelope a handler of pattern `P` receives. */
export type AuthEnvelope<P extends Pattern> = RpcEnvelope<AuthRequest<P>>;
