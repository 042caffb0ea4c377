import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import type { AuthResult } from '../shared/rpc-types';
import { SigningKeyService } from './signing-key.service';

@Injectable()
export class JwksHandlers {
  constructor(private readonly keys: SigningKeyService) {}

  /** Public (`/.well-known/jwks.json`): the keys that verify live tokens and the next one. */
  @AuthRpc(AUTH_RPC.getJwks)
  get(): AuthResult<'auth.jwks.get'> {
    return this.keys.jwks();
  }
}
