import type { AzulClient, AzulPaymentOutcome } from './azul-client';
import type { TokenChargeInput, TokenChargeProvider, TokenChargeResult } from './recurring-charge-router';

/** AZUL's outcome in the port's terms (shared by the recurring charge and the port adapter). */
export function chargeResultOf(outcome: AzulPaymentOutcome, authorizeOnly = false): TokenChargeResult {
  switch (outcome.status) {
    case 'approved':
      return { providerChargeId: outcome.azulOrderId, status: authorizeOnly ? 'authorized' : 'succeeded' };
    case 'declined':
      return {
        providerChargeId: outcome.azulOrderId,
        status: 'declined',
        declineCode: outcome.isoCode,
        declineMessage: outcome.message,
      };
    default:
      return { providerChargeId: outcome.azulOrderId, status: 'requires_action' };
  }
}

/**
 * A merchant-initiated charge of an AZUL DataVault token (the monthly subscription charge): a Sale
 * with ForceNo3DS = 1 (no cardholder present to authenticate) and CustomOrderId = the idempotency key.
 */
export class AzulTokenCharge implements TokenChargeProvider {
  readonly name = 'azul';

  constructor(private readonly azul: AzulClient) {}

  async charge(input: TokenChargeInput, options: { idempotencyKey: string }): Promise<TokenChargeResult> {
    if (input.currency.toUpperCase() !== 'DOP')
      throw new RangeError(`AZUL charges DOP, not ${input.currency}`);
    const outcome = await this.azul.sale({
      idempotencyKey: options.idempotencyKey,
      amountCents: input.amountCents,
      itbisCents: input.taxCents,
      dataVaultToken: input.paymentToken,
    });
    return chargeResultOf(outcome);
  }
}
