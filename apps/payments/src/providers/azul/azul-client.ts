import { CircuitBreaker } from '@platform/resilience';
import { AzulRejectedError, isAzulOutage } from './azul-errors';
import { isErrorAnswer, isoCodeOf, type AzulAnswer, type AzulOperation } from './azul-messages';
import type { AzulTransport } from './azul-transport';

/** The merchant's identity at AZUL, sent in every message body. */
export interface AzulMerchant {
  /** Store: the merchant id (MID) AZUL assigned, X(11). */
  store: string;
  /** Channel AZUL assigned, e.g. `EC` (e-commerce). */
  channel: string;
  /** PosInputMode AZUL assigned, e.g. `E-Commerce`. */
  posInputMode: string;
}

export interface AzulCard {
  number: string;
  /** YYYYMM */
  expiration: string;
  cvc?: string;
}

/** Cardholder data AZUL forwards to the issuer's 3-D Secure 2.0 risk engine (CardHolderInfo). */
export interface AzulCardHolder {
  name: string;
  email?: string;
  phoneMobile?: string;
  billingAddressLine1?: string;
  billingAddressCity?: string;
  billingAddressCountry?: string;
  billingAddressZip?: string;
}

export interface AzulThreeDsRequest {
  /** Where the issuer's ACS posts the challenge result (cRes) back to us. */
  termUrl: string;
  /** Where the ACS notifies that the hidden method iframe collected the browser data. */
  methodNotificationUrl: string;
  /** 01 no preference (default), 02 no challenge, 03 challenge preferred, 04 challenge mandated. */
  challengeIndicator?: '01' | '02' | '03' | '04';
  cardHolder: AzulCardHolder;
}

export interface AzulChargeRequest {
  /**
   * Sent as CustomOrderId (X(75)): the merchant's id for this charge and the key a retry reuses.
   * AZUL refuses a repeat of a processed request (WRONG TRANSACTION STATE) and VerifyPayment finds
   * the original by it, so a retry never charges twice.
   */
  idempotencyKey: string;
  /** OrderNumber (X(15)); AZUL requires the field, it may be empty. */
  orderNumber?: string;
  /** Total to charge in cents, ITBIS included (AZUL's Amount: "1000" = 10.00). */
  amountCents: number;
  /** ITBIS part of the total in cents (informative for AZUL; not added on top). 0 when exempt. */
  itbisCents: number;
  /** Exactly one of card and dataVaultToken. */
  card?: AzulCard;
  dataVaultToken?: string;
  /** Ask AZUL to tokenize the card on approval (SaveToDataVault = 1); the token comes back. */
  saveToDataVault?: boolean;
  /** With it, a customer-present charge goes through 3-D Secure 2.0; without it ForceNo3DS = 1. */
  threeDs?: AzulThreeDsRequest;
  /** Shown on the cardholder's statement (AltMerchantName, at most 25 characters). */
  statementName?: string;
}

/** What a Sale or Hold came to. */
export type AzulPaymentOutcome =
  | {
      status: 'approved';
      azulOrderId: string;
      customOrderId: string;
      authorizationCode: string;
      rrn: string;
      /** Present when SaveToDataVault was asked for. */
      dataVaultToken?: string;
    }
  | { status: 'declined'; azulOrderId: string; customOrderId: string; isoCode: string; message: string }
  /** 3DS 2.0 step: render `methodForm` (hidden iframe), then call continueAfterThreeDsMethod. */
  | { status: 'threeDsMethod'; azulOrderId: string; methodForm: string }
  /** 3DS 2.0 challenge: POST `creq` to `redirectPostUrl` from the cardholder's browser, then continueAfterChallenge. */
  | { status: 'threeDsChallenge'; azulOrderId: string; creq: string; redirectPostUrl: string };

export interface AzulVaultToken {
  dataVaultToken: string;
  brand: string;
  maskedCardNumber: string;
  /** YYYYMM */
  expiration: string;
}

export type MethodNotificationStatus = 'RECEIVED' | 'EXPECTED_BUT_NOT_RECEIVED' | 'NOT_EXPECTED';

const WRONG_TRANSACTION_STATE = 'WRONG TRANSACTION STATE';

function cents(value: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer of cents`);
  return String(value);
}

/**
 * AZUL's JSON web service: Sale, Hold, Post, Refund, Void, DataVault tokens, VerifyPayment and the
 * 3-D Secure 2.0 steps. Every call goes through the circuit breaker; timeouts and unreachable AZUL
 * count against it, AZUL's own answers (approval, decline, validation error) do not.
 */
export class AzulClient {
  constructor(
    private readonly transport: AzulTransport,
    private readonly merchant: AzulMerchant,
    readonly breaker: CircuitBreaker,
  ) {}

  sale(request: AzulChargeRequest): Promise<AzulPaymentOutcome> {
    return this.authorize('Sale', request);
  }

  /** Reserves the amount on the card; capture it with post() within 7 days, or release it with void(). */
  hold(request: AzulChargeRequest): Promise<AzulPaymentOutcome> {
    return this.authorize('Hold', request);
  }

  /** Captures a Hold for up to 115% of its amount. Only once per Hold. */
  async post(holdAzulOrderId: string, amountCents: number, itbisCents: number): Promise<AzulPaymentOutcome> {
    const answer = await this.call('ProcessPost', {
      AzulOrderId: holdAzulOrderId,
      Amount: cents(amountCents, 'amountCents'),
      Itbis: cents(itbisCents, 'itbisCents'),
    });
    return this.outcomeOf('ProcessPost', answer);
  }

  /** Returns (part of) a settled Sale or Post; once per transaction, within 6 months. */
  async refund(request: {
    idempotencyKey: string;
    originalAzulOrderId: string;
    amountCents: number;
    itbisCents: number;
    orderNumber?: string;
  }): Promise<AzulPaymentOutcome> {
    const answer = await this.callIdempotent('ProcessPayment', request.idempotencyKey, {
      ...this.merchantFields(),
      TrxType: 'Refund',
      AzulOrderId: request.originalAzulOrderId,
      Amount: cents(request.amountCents, 'amountCents'),
      Itbis: cents(request.itbisCents, 'itbisCents'),
      OrderNumber: request.orderNumber ?? '',
      CustomOrderId: request.idempotencyKey,
      AcquirerRefData: '1',
    });
    return this.outcomeOf('Refund', answer);
  }

  /** Cancels a Sale or Post within 20 minutes of approval, or a Hold that was not posted. */
  async void(azulOrderId: string): Promise<AzulPaymentOutcome> {
    const answer = await this.call('ProcessVoid', { AzulOrderId: azulOrderId });
    return this.outcomeOf('ProcessVoid', answer);
  }

  /** The latest transaction sent with this CustomOrderId, or null if AZUL has none. */
  async findByIdempotencyKey(idempotencyKey: string): Promise<AzulPaymentOutcome | null> {
    const answer = await this.call('VerifyPayment', { CustomOrderId: idempotencyKey });
    if (answer.Found === true) return this.outcomeOf('VerifyPayment', answer);
    if (isErrorAnswer(answer) && answer.ErrorDescription)
      throw new AzulRejectedError('VerifyPayment', answer.ErrorDescription);
    return null;
  }

  async createToken(card: AzulCard): Promise<AzulVaultToken> {
    const answer = await this.call('ProcessDatavault', {
      TrxType: 'CREATE',
      CardNumber: card.number,
      Expiration: card.expiration,
      CVC: card.cvc ?? '',
    });
    if (isoCodeOf(answer) !== '00' || !answer.DataVaultToken) {
      throw new AzulRejectedError(
        'ProcessDatavault CREATE',
        answer.ErrorDescription || answer.ResponseMessage || isoCodeOf(answer),
      );
    }
    return {
      dataVaultToken: answer.DataVaultToken,
      brand: answer.Brand ?? '',
      maskedCardNumber: answer.CardNumber ?? '',
      expiration: answer.Expiration ?? '',
    };
  }

  async deleteToken(dataVaultToken: string): Promise<void> {
    const answer = await this.call('ProcessDatavault', { TrxType: 'DELETE', DataVaultToken: dataVaultToken });
    if (isoCodeOf(answer) !== '00') {
      throw new AzulRejectedError(
        'ProcessDatavault DELETE',
        answer.ErrorDescription || answer.ResponseMessage || isoCodeOf(answer),
      );
    }
  }

  /** 3DS 2.0: after the method iframe ran (or 10 s passed without its notification). */
  async continueAfterThreeDsMethod(
    azulOrderId: string,
    status: MethodNotificationStatus,
  ): Promise<AzulPaymentOutcome> {
    const answer = await this.call('ProcessThreeDSMethod', {
      AzulOrderId: azulOrderId,
      MethodNotificationStatus: status,
    });
    return this.outcomeOf('ProcessThreeDSMethod', answer);
  }

  /** 3DS 2.0: the cRes the issuer's ACS posted to our TermUrl completes the authorization. */
  async continueAfterChallenge(azulOrderId: string, cRes: string): Promise<AzulPaymentOutcome> {
    const answer = await this.call('ProcessThreeDSChallenge', { AzulOrderId: azulOrderId, CRes: cRes });
    return this.outcomeOf('ProcessThreeDSChallenge', answer);
  }

  private async authorize(trxType: 'Sale' | 'Hold', request: AzulChargeRequest): Promise<AzulPaymentOutcome> {
    if (!request.idempotencyKey || request.idempotencyKey.length > 75) {
      throw new RangeError('idempotencyKey (CustomOrderId) must have 1 to 75 characters');
    }
    if (request.itbisCents > request.amountCents)
      throw new RangeError('itbisCents cannot exceed amountCents (ITBIS is included)');
    if (!request.card === !request.dataVaultToken)
      throw new TypeError('exactly one of card and dataVaultToken');
    const message: Record<string, unknown> = {
      ...this.merchantFields(),
      TrxType: trxType,
      Amount: cents(request.amountCents, 'amountCents'),
      Itbis: cents(request.itbisCents, 'itbisCents'),
      CurrencyPosCode: '$',
      Payments: '1',
      Plan: '0',
      AcquirerRefData: '1',
      OrderNumber: request.orderNumber ?? '',
      CustomOrderId: request.idempotencyKey,
      ForceNo3DS: request.threeDs ? '0' : '1',
    };
    if (request.statementName) message['AltMerchantName'] = request.statementName.slice(0, 25);
    if (request.card) {
      Object.assign(message, {
        CardNumber: request.card.number,
        Expiration: request.card.expiration,
        CVC: request.card.cvc ?? '',
      });
    } else {
      message['DataVaultToken'] = request.dataVaultToken;
    }
    if (request.saveToDataVault) message['SaveToDataVault'] = '1';
    if (request.threeDs) {
      const holder = request.threeDs.cardHolder;
      message['ThreeDSAuth'] = {
        TermUrl: request.threeDs.termUrl,
        MethodNotificationUrl: request.threeDs.methodNotificationUrl,
        RequestChallengeIndicator: request.threeDs.challengeIndicator ?? '01',
      };
      message['CardHolderInfo'] = Object.fromEntries(
        Object.entries({
          Name: holder.name,
          Email: holder.email,
          PhoneMobile: holder.phoneMobile,
          BillingAddressLine1: holder.billingAddressLine1,
          BillingAddressCity: holder.billingAddressCity,
          BillingAddressCountry: holder.billingAddressCountry,
          BillingAddressZip: holder.billingAddressZip,
        }).filter(([, value]) => value !== undefined),
      );
    }
    const answer = await this.callIdempotent('ProcessPayment', request.idempotencyKey, message);
    return this.outcomeOf(trxType, answer);
  }

  /**
   * Sends a message that carries CustomOrderId. If AZUL says it already processed that request
   * (WRONG TRANSACTION STATE: our earlier attempt reached it but its answer was lost), the original
   * transaction is looked up with VerifyPayment and returned instead of charging again.
   */
  private async callIdempotent(
    operation: AzulOperation,
    key: string,
    message: Record<string, unknown>,
  ): Promise<AzulAnswer> {
    const answer = await this.call(operation, message, { rejectErrors: false });
    if (
      isErrorAnswer(answer) &&
      (answer.ErrorDescription ?? '').toUpperCase().includes(WRONG_TRANSACTION_STATE)
    ) {
      const original = await this.call('VerifyPayment', { CustomOrderId: key });
      if (original.Found === true) return original;
    }
    if (isErrorAnswer(answer)) throw new AzulRejectedError(operation, answer.ErrorDescription ?? '');
    return answer;
  }

  private async call(
    operation: AzulOperation,
    fields: Record<string, unknown>,
    { rejectErrors = true } = {},
  ): Promise<AzulAnswer> {
    const message = { Channel: this.merchant.channel, Store: this.merchant.store, ...fields };
    const answer = await this.breaker.run(() => this.transport.send(operation, message), isAzulOutage);
    if (rejectErrors && isErrorAnswer(answer) && operation !== 'VerifyPayment') {
      throw new AzulRejectedError(operation, answer.ErrorDescription ?? '');
    }
    return answer;
  }

  private merchantFields(): Record<string, string> {
    return {
      Channel: this.merchant.channel,
      Store: this.merchant.store,
      PosInputMode: this.merchant.posInputMode,
    };
  }

  private outcomeOf(operation: string, answer: AzulAnswer): AzulPaymentOutcome {
    if (isErrorAnswer(answer)) throw new AzulRejectedError(operation, answer.ErrorDescription ?? '');
    const isoCode = isoCodeOf(answer);
    const azulOrderId = answer.AzulOrderId ?? '';
    if (isoCode === '3D2METHOD') {
      return { status: 'threeDsMethod', azulOrderId, methodForm: answer.ThreeDSMethod?.MethodForm ?? '' };
    }
    if (isoCode === '3D') {
      const challenge = answer.ThreeDSChallenge;
      if (!challenge?.CReq || !challenge.RedirectPostUrl) {
        throw new AzulRejectedError(operation, '3D_SECURE_CHALLENGE without CReq/RedirectPostUrl');
      }
      return {
        status: 'threeDsChallenge',
        azulOrderId,
        creq: challenge.CReq,
        redirectPostUrl: challenge.RedirectPostUrl,
      };
    }
    if (isoCode === '00') {
      return {
        status: 'approved',
        azulOrderId,
        customOrderId: answer.CustomOrderId ?? '',
        authorizationCode: answer.AuthorizationCode ?? '',
        rrn: answer.RRN ?? '',
        ...(answer.DataVaultToken ? { dataVaultToken: answer.DataVaultToken } : {}),
      };
    }
    return {
      status: 'declined',
      azulOrderId,
      customOrderId: answer.CustomOrderId ?? '',
      isoCode,
      message: answer.ResponseMessage ?? '',
    };
  }
}
