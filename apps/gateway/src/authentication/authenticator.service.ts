import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '@platform/contracts';
import { requestContext } from '@platform/logging';
import { AccessTokenVerifier } from './access-token.verifier';
import { CredentialResolver } from './credential.resolver';
import { readCredential } from './credentials';

/** Who is calling: a bearer token (verified locally), an API key or an organization code. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    private readonly credentials: CredentialResolver,
  ) {}

  async authenticate(headers: IncomingHttpHeaders, ip: string, requestId: string): Promise<Principal> {
    const credential = readCredential(headers);
    let principal: Principal;
    switch (credential.kind) {
      case 'bearer':
        principal = await this.accessTokens.verify(credential.token);
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
    return principal;
  }
}
