import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '@platform/contracts';
import { requestContext } from '@platform/logging';
import { AccessTokenVerifier } from './access-token.verifier';
import { CredentialResolver } from './credential.resolver';
import { readCredential } from './credentials';
import type { PendingRevocationCheck } from './token-denylist';

/** Who is calling: a bearer token (verified locally), an API key or an organization code. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    private readonly credentials: CredentialResolver,
  ) {}

  async authenticate(headers: IncomingHttpHeaders, ip: string, requestId: string): Promise<Principal> {
    const { principal, revocation } = await this.authenticateDeferringRevocation(headers, ip, requestId);
    await revocation?.run();
    return principal;
  }

  /**
   * `authenticate`, except that a bearer token's denylist check is handed back (`revocation`) for
   * the caller to run before it does anything for the request — RouteAdmission runs it inside the
   * rate-limit script. API keys and organization codes are checked in full here.
   */
  async authenticateDeferringRevocation(
    headers: IncomingHttpHeaders,
    ip: string,
    requestId: string,
  ): Promise<{ principal: Principal; revocation?: PendingRevocationCheck }> {
    const credential = readCredential(headers);
    let principal: Principal;
    let revocation: PendingRevocationCheck | undefined;
    switch (credential.kind) {
      case 'bearer':
        ({ principal, revocation } = await this.accessTokens.verifyDeferringRevocation(credential.token));
        break;
      case 'api-key':
        principal = await this.credentials.resolveApiKey(credential.key, ip, requestId);
        break;
      case 'organization-code':
        principal = await this.credentials.resolveOrganizationCode(
          credential.code,
          credential.userId,
          ip,
          requestId,
        );
        break;
    }
    // Every later log line of the request carries the tenant.
    const context = requestContext.get();
    if (context && principal.organizationId) context.organizationId = principal.organizationId;
    return revocation ? { principal, revocation } : { principal };
  }
}
