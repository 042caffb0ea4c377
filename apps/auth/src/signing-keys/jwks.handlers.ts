import { Controller } from '@nestjs/common';
import { AUTH_RPC, authContract } from '@platform/contracts';
import { contractHandlers } from '@platform/messaging';
import { SigningKeyService } from './signing-key.service';

const Auth = contractHandlers(authContract);

@Controller()
export class JwksHandlers {
  constructor(private readonly keys: SigningKeyService) {}

  /** Public (`/.well-known/jwks.json`): the keys that verify live tokens and the next one. */
  @Auth.MessagePattern(AUTH_RPC.getJwks)
  get() {
    return this.keys.jwks();
  }
}
