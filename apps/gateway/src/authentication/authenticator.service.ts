import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '@platform/contracts';
import { requestContext } from '@platform/logging';
import { AccessTokenVerifier } from './access-token.verifier';
import { CredentialResolver } from './credential.resolver';
import { readCredential } from './credentials';
import type { PendingRevocationCheck } from './token-denylist';

/** Who is calling, and until when their credential is valid (ms since the epoch; none: no expiry). */
export interface Authenticated {
  principal: Principal;
  expiresAtMs?: number;
  revocation?: PendingRevocationCheck;
  /**
   * The Redis key auth sets when this credential is revoked, for a credential the principal does not
   * name (an organization code, by its fingerprint): what a long-lived holder (a WebSocket) re-checks.
   */
  revocationMarker?: string;
}

/** Who is calling: a bearer token (verified locally), an API key or an organization code. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    private readonly credentials: CredentialResolver,
  ) {}

  /**
   * Who is calling, the denylist checked, and when the credential expires: a bearer token's `exp`,
   * an API key's or an organization code's `expiresAt` (as auth answered it). A socket opened with
   * it closes then.
   */
  async authenticate(
    headers: IncomingHttpHeaders,
    ip: string,
    requestId: string,
  ): Promise<Omit<Authenticated, 'revocation'>> {
    const { revocation, ...authenticated } = await this.authenticateDeferringRevocation(
      headers,
      ip,
      requestId,
    );
    await revocation?.run();
    return authenticated;
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
  ): Promise<Authenticated> {
    const credential = readCredential(headers);
    let authenticated: Authenticated;
    switch (credential.kind) {
      case 'bearer':
        // The verified token's `exp` (no second decoding).
        authenticated = await this.accessTokens.verifyDeferringRevocation(credential.token);
        break;
      case 'api-key':
        authenticated = await this.credentials.resolveApiKey(credential.key, ip, requestId);
        break;
      case 'organization-code':
        authenticated = await this.credentials.resolveOrganizationCode(
          credential.code,
          credential.userId,
          ip,
          requestId,
        );
        break;
    }
    const { principal } = authenticated;
    // Every later log line of the request carries the tenant.
    const context = requestContext.get();
    if (context && principal.organizationId) context.organizationId = principal.organizationId;
    return authenticated;
  }
}
