import { randomBytes, randomUUID } from 'node:crypto';
import { issuerVerdict, threeDsFlowOf, type ThreeDsFlow } from './azul-test-cards';

/** A JSON request body as AZUL's web service receives it (every value a string or a nested object). */
export type AzulBody = Record<string, unknown>;
/** The answer the fake sends back, in AZUL's field names. */
export type AzulAnswer = Record<string, unknown>;

/** One authorization with a financial effect, as the fake's books hold it. */
export interface FakeAzulTransaction {
  azulOrderId: string;
  customOrderId: string;
  trxType: 'Sale' | 'Hold' | 'Post' | 'Refund';
  /** Cents, ITBIS included (AZUL's Amount). */
  amount: number;
  itbis: number;
  cardNumber: string;
  isoCode: string;
  /** A Sale or Post that moved money (approved, not voided). */
  state: 'approved' | 'declined' | 'voided' | 'posted' | 'refunded';
  /** For a Post or Refund: the transaction it applies to. */
  originalAzulOrderId?: string;
}

interface PendingThreeDs {
  body: AzulBody;
  flow: ThreeDsFlow;
  stage: 'method' | 'challenge';
  threeDsServerTransId: string;
  termUrl: string;
  completed: boolean;
}

interface VaultEntry {
  cardNumber: string;
  expiration: string;
  brand: string;
}

const DIGITS = /^\d+$/;

/** YYYYMMDDHHMMSS in UTC, AZUL's DateTime format. */
function azulDateTime(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function text(body: AzulBody, field: string): string {
  const value = body[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function maskCard(cardNumber: string): string {
  return `${cardNumber.slice(0, 6)}******${cardNumber.slice(-4)}`;
}

export function errorAnswer(description: string): AzulAnswer {
  return {
    AuthorizationCode: '',
    AzulOrderId: '',
    CustomOrderId: '',
    DateTime: azulDateTime(new Date()),
    ErrorDescription: description,
    IsoCode: '',
    LotNumber: '',
    RRN: '',
    ResponseCode: 'Error',
    ResponseMessage: 'ERROR',
    Ticket: '',
  };
}

/**
 * AZUL's side of the books: transactions by AzulOrderId, charges by CustomOrderId (the merchant's
 * idempotency key), DataVault tokens and 3-D Secure sessions. Pure logic, no I/O: the HTTPS server in
 * fake-azul.ts feeds it parsed bodies and sends back what it answers.
 */
export class AzulLedger {
  readonly transactions: FakeAzulTransaction[] = [];
  private readonly byAzulOrderId = new Map<string, FakeAzulTransaction>();
  /** CustomOrderId → the first answer given to a ProcessPayment with it (replayed on a repeat). */
  private readonly answersByCustomOrderId = new Map<string, AzulAnswer>();
  private readonly vault = new Map<string, VaultEntry>();
  private readonly pending = new Map<string, PendingThreeDs>();
  /** threeDSServerTransID → outcome the ACS signed into a cRes. */
  private readonly acsOutcomes = new Map<string, 'Y' | 'N'>();
  private nextOrderId = 100_000;

  constructor(
    private readonly duplicatePolicy: 'replay' | 'reject',
    private readonly acsUrl: () => string,
  ) {}

  processPayment(body: AzulBody): AzulAnswer {
    const trxType = text(body, 'TrxType');
    const customOrderId = text(body, 'CustomOrderId');
    if (customOrderId && this.answersByCustomOrderId.has(customOrderId)) {
      // AZUL documents WRONG TRANSACTION STATE for a repeated request; 'replay' answers like an
      // idempotent API would. Neither charges a second time.
      return this.duplicatePolicy === 'replay'
        ? { ...this.answersByCustomOrderId.get(customOrderId) }
        : errorAnswer('WRONG TRANSACTION STATE');
    }
    let answer: AzulAnswer;
    if (trxType === 'Sale' || trxType === 'Hold') answer = this.authorize(body, trxType);
    else if (trxType === 'Refund') answer = this.refund(body);
    else answer = errorAnswer('VALIDATION_ERROR:TrxType');
    if (
      customOrderId &&
      answer['ResponseCode'] !== 'Error' &&
      !this.answersByCustomOrderId.has(customOrderId)
    ) {
      this.answersByCustomOrderId.set(customOrderId, answer);
    }
    return answer;
  }

  processPost(body: AzulBody): AzulAnswer {
    const original = this.byAzulOrderId.get(text(body, 'AzulOrderId'));
    const amounts = this.amounts(body);
    if ('error' in amounts) return errorAnswer(amounts.error);
    if (!original || original.trxType !== 'Hold' || original.state !== 'approved') {
      return errorAnswer('Original transaction is invalid or has already been posted');
    }
    if (amounts.amount * 100 > original.amount * 115) {
      return errorAnswer('Amount to be posted cannot be greater than 15pct of original Hold/preAuth.');
    }
    original.state = 'posted';
    return this.record(
      { ...body, CustomOrderId: original.customOrderId },
      'Post',
      original.cardNumber,
      { isoCode: '00', message: 'APROBADA' },
      original.azulOrderId,
    );
  }

  processVoid(body: AzulBody): AzulAnswer {
    const original = this.byAzulOrderId.get(text(body, 'AzulOrderId'));
    const voidable = original && original.trxType !== 'Refund' && original.state === 'approved';
    if (!original || !voidable)
      return errorAnswer('Original transaction is invalid or has already been voided');
    original.state = 'voided';
    return this.answer(original, { isoCode: '00', message: 'APROBADA' });
  }

  verifyPayment(body: AzulBody): AzulAnswer {
    const customOrderId = text(body, 'CustomOrderId');
    const matches = this.transactions.filter(
      (t) => t.customOrderId === customOrderId && t.trxType !== 'Refund',
    );
    const latest = matches[matches.length - 1];
    if (!latest) return { ...errorAnswer(''), ResponseCode: 'ISO8583', ResponseMessage: '', Found: false };
    return {
      ...this.answer(latest, issuerVerdict(latest.cardNumber)),
      Found: true,
      Amount: String(latest.amount),
      Itbis: String(latest.itbis),
      CardNumber: maskCard(latest.cardNumber),
      TransactionType: latest.trxType,
    };
  }

  processDataVault(body: AzulBody): AzulAnswer {
    const trxType = text(body, 'TrxType');
    if (trxType === 'CREATE') {
      const cardNumber = text(body, 'CardNumber');
      const expiration = text(body, 'Expiration');
      if (!DIGITS.test(cardNumber)) return errorAnswer('VALIDATION_ERROR:CardNumber');
      if (!/^\d{6}$/.test(expiration)) return errorAnswer('VALIDATION_ERROR:Expiration');
      const token = randomBytes(16).toString('hex').toUpperCase();
      const entry = { cardNumber, expiration, brand: cardNumber.startsWith('5') ? 'MASTERCARD' : 'VISA' };
      this.vault.set(token, entry);
      return this.vaultAnswer(token, entry);
    }
    if (trxType === 'DELETE') {
      const token = text(body, 'DataVaultToken');
      const entry = this.vault.get(token);
      if (!entry) return errorAnswer('DataVault TokenId does not exist.');
      this.vault.delete(token);
      return this.vaultAnswer(token, entry);
    }
    return errorAnswer('VALIDATION_ERROR:TrxType');
  }

  processThreeDsMethod(body: AzulBody): AzulAnswer {
    const azulOrderId = text(body, 'AzulOrderId');
    const session = this.pending.get(azulOrderId);
    const status = text(body, 'MethodNotificationStatus');
    if (!['RECEIVED', 'EXPECTED_BUT_NOT_RECEIVED', 'NOT_EXPECTED'].includes(status)) {
      return errorAnswer('VALIDATION_ERROR:MethodNotificationStatus');
    }
    if (!session || session.stage !== 'method' || session.completed) {
      return errorAnswer('3DS time frame expired or loss of session.');
    }
    if (session.flow === 'method-challenge') {
      session.stage = 'challenge';
      return this.challengeAnswer(azulOrderId, session);
    }
    session.completed = true;
    return this.finishThreeDs(azulOrderId, session);
  }

  processThreeDsChallenge(body: AzulBody): AzulAnswer {
    const azulOrderId = text(body, 'AzulOrderId');
    const session = this.pending.get(azulOrderId);
    if (!session || session.stage !== 'challenge')
      return errorAnswer('3DS time frame expired or loss of session.');
    if (session.completed) return errorAnswer('3DS repost detected.');
    let transStatus: string | undefined;
    try {
      const cres = JSON.parse(Buffer.from(text(body, 'CRes'), 'base64').toString('utf8')) as Record<
        string,
        string
      >;
      if (cres['threeDSServerTransID'] === session.threeDsServerTransId) {
        transStatus = this.acsOutcomes.get(session.threeDsServerTransId);
      }
    } catch {
      transStatus = undefined;
    }
    if (!transStatus) return errorAnswer('VALIDATION_ERROR:CRes');
    session.completed = true;
    if (transStatus !== 'Y') {
      return this.record(
        session.body,
        this.trxTypeOf(session.body),
        this.cardOf(session.body),
        {
          isoCode: '08',
          message: 'DECLINADA. NO AUTENTICADA',
        },
        undefined,
        azulOrderId,
      );
    }
    return this.finishThreeDs(azulOrderId, session);
  }

  /** The ACS's half: the cardholder passed (`Y`) or failed (`N`) the challenge of this creq. */
  answerChallenge(creq: string, authenticated: boolean): { cRes: string; termUrl: string } {
    const parsed = JSON.parse(Buffer.from(creq, 'base64').toString('utf8')) as Record<string, string>;
    const transId = parsed['threeDSServerTransID'] ?? '';
    const session = [...this.pending.values()].find((s) => s.threeDsServerTransId === transId);
    if (!session) throw new Error('unknown creq');
    const transStatus = authenticated ? 'Y' : 'N';
    this.acsOutcomes.set(transId, transStatus);
    const cRes = Buffer.from(
      JSON.stringify({
        threeDSServerTransID: transId,
        acsTransID: parsed['acsTransID'],
        messageType: 'CRes',
        messageVersion: '2.1.0',
        transStatus,
      }),
    ).toString('base64');
    return { cRes, termUrl: session.termUrl };
  }

  private authorize(body: AzulBody, trxType: 'Sale' | 'Hold'): AzulAnswer {
    const amounts = this.amounts(body);
    if ('error' in amounts) return errorAnswer(amounts.error);
    let cardNumber = text(body, 'CardNumber');
    const token = text(body, 'DataVaultToken');
    if (token) {
      const entry = this.vault.get(token);
      if (!entry) return errorAnswer('DataVault TokenId does not exist.');
      cardNumber = entry.cardNumber;
    } else {
      if (!DIGITS.test(cardNumber) || cardNumber.length < 12)
        return errorAnswer('VALIDATION_ERROR:CardNumber');
      if (!/^\d{6}$/.test(text(body, 'Expiration'))) return errorAnswer('VALIDATION_ERROR:Expiration');
    }
    const flow = threeDsFlowOf(cardNumber);
    if (flow !== 'none' && text(body, 'ForceNo3DS') !== '1') return this.startThreeDs(body, flow);
    const answer = this.record(body, trxType, cardNumber, issuerVerdict(cardNumber));
    if (text(body, 'SaveToDataVault') === '1' && answer['IsoCode'] === '00') {
      const vaultToken = randomBytes(16).toString('hex').toUpperCase();
      const entry = { cardNumber, expiration: text(body, 'Expiration'), brand: 'VISA' };
      this.vault.set(vaultToken, entry);
      Object.assign(answer, {
        DataVaultToken: vaultToken,
        DataVaultExpiration: entry.expiration,
        DataVaultBrand: entry.brand,
      });
    }
    return answer;
  }

  private refund(body: AzulBody): AzulAnswer {
    const amounts = this.amounts(body);
    if ('error' in amounts) return errorAnswer(amounts.error);
    const original = this.byAzulOrderId.get(text(body, 'AzulOrderId'));
    const refundable =
      original &&
      (original.trxType === 'Sale' || original.trxType === 'Post') &&
      original.state === 'approved';
    if (!original || !refundable || amounts.amount > original.amount) {
      return errorAnswer(
        'Original transaction is invalid, exceeds original amount or has already been returned',
      );
    }
    original.state = 'refunded';
    return this.record(
      body,
      'Refund',
      original.cardNumber,
      { isoCode: '00', message: 'APROBADA' },
      original.azulOrderId,
    );
  }

  private startThreeDs(body: AzulBody, flow: ThreeDsFlow): AzulAnswer {
    const auth = body['ThreeDSAuth'] as Record<string, unknown> | undefined;
    const termUrl = auth && typeof auth['TermUrl'] === 'string' ? auth['TermUrl'] : '';
    const methodUrl =
      auth && typeof auth['MethodNotificationUrl'] === 'string' ? auth['MethodNotificationUrl'] : '';
    if (!termUrl) return errorAnswer('VALIDATION_ERROR:ThreeDSAuth.TermUrl');
    const azulOrderId = String(this.nextOrderId++);
    const session: PendingThreeDs = {
      body,
      flow,
      stage: flow === 'challenge' ? 'challenge' : 'method',
      threeDsServerTransId: randomUUID(),
      termUrl,
      completed: false,
    };
    this.pending.set(azulOrderId, session);
    if (session.stage === 'challenge') return this.challengeAnswer(azulOrderId, session);
    const methodData = Buffer.from(
      JSON.stringify({ threeDSServerTransID: session.threeDsServerTransId }),
    ).toString('base64');
    return {
      ...this.blankAnswer(body, azulOrderId),
      IsoCode: '3D2METHOD',
      ResponseCode: 'ISO8583',
      ResponseMessage: '3D_SECURE_2_METHOD',
      ThreeDSMethod: {
        MethodForm:
          `<iframe name="tdsMmethodTgtFrame" style="width:1px;height:1px;display:none"></iframe>` +
          `<form id="tdsMmethodForm" method="POST" target="tdsMmethodTgtFrame" action="${this.acsUrl()}/acs/method">` +
          `<input type="hidden" name="threeDSMethodData" value="${methodData}"/>` +
          `<input type="hidden" name="threeDSMethodNotificationURL" value="${methodUrl}"/></form>`,
      },
    };
  }

  private challengeAnswer(azulOrderId: string, session: PendingThreeDs): AzulAnswer {
    const creq = Buffer.from(
      JSON.stringify({
        threeDSServerTransID: session.threeDsServerTransId,
        acsTransID: randomUUID(),
        challengeWindowSize: '03',
        messageType: 'CReq',
        messageVersion: '2.1.0',
      }),
    ).toString('base64');
    return {
      ...this.blankAnswer(session.body, azulOrderId),
      IsoCode: '3D',
      ResponseCode: 'ISO8583',
      ResponseMessage: '3D_SECURE_CHALLENGE',
      ThreeDSChallenge: { CReq: creq, MD: '', PaReq: '', RedirectPostUrl: `${this.acsUrl()}/acs/creq` },
    };
  }

  private finishThreeDs(azulOrderId: string, session: PendingThreeDs): AzulAnswer {
    const cardNumber = this.cardOf(session.body);
    return this.record(
      session.body,
      this.trxTypeOf(session.body),
      cardNumber,
      issuerVerdict(cardNumber),
      undefined,
      azulOrderId,
    );
  }

  private trxTypeOf(body: AzulBody): 'Sale' | 'Hold' {
    return text(body, 'TrxType') === 'Hold' ? 'Hold' : 'Sale';
  }

  private cardOf(body: AzulBody): string {
    const token = text(body, 'DataVaultToken');
    return token ? (this.vault.get(token)?.cardNumber ?? '') : text(body, 'CardNumber');
  }

  private amounts(body: AzulBody): { amount: number; itbis: number } | { error: string } {
    const amount = text(body, 'Amount');
    const itbis = text(body, 'Itbis');
    if (!DIGITS.test(amount) || Number(amount) <= 0) return { error: 'VALIDATION_ERROR:Amount' };
    if (itbis !== '' && !DIGITS.test(itbis)) return { error: 'VALIDATION_ERROR:Itbis' };
    if (Number(itbis || 0) > Number(amount)) return { error: 'VALIDATION_ERROR:Itbis' };
    return { amount: Number(amount), itbis: Number(itbis || 0) };
  }

  private record(
    body: AzulBody,
    trxType: FakeAzulTransaction['trxType'],
    cardNumber: string,
    verdict: { isoCode: string; message: string },
    originalAzulOrderId?: string,
    azulOrderId = String(this.nextOrderId++),
  ): AzulAnswer {
    const amounts = this.amounts(body);
    const transaction: FakeAzulTransaction = {
      azulOrderId,
      customOrderId: text(body, 'CustomOrderId'),
      trxType,
      amount: 'error' in amounts ? 0 : amounts.amount,
      itbis: 'error' in amounts ? 0 : amounts.itbis,
      cardNumber,
      isoCode: verdict.isoCode,
      state: verdict.isoCode === '00' ? 'approved' : 'declined',
      originalAzulOrderId,
    };
    this.transactions.push(transaction);
    this.byAzulOrderId.set(azulOrderId, transaction);
    const answer = this.answer(transaction, verdict);
    // A 3-D Secure charge ends here, later than its first answer: a repeat must get the final one.
    if (transaction.customOrderId && trxType !== 'Post')
      this.answersByCustomOrderId.set(transaction.customOrderId, answer);
    return answer;
  }

  private answer(
    transaction: FakeAzulTransaction,
    verdict: { isoCode: string; message: string },
  ): AzulAnswer {
    const approved = verdict.isoCode === '00';
    return {
      AuthorizationCode: approved ? `OK${transaction.azulOrderId.slice(-4)}` : '',
      AzulOrderId: transaction.azulOrderId,
      CustomOrderId: transaction.customOrderId,
      DataVaultBrand: '',
      DataVaultExpiration: '',
      DataVaultToken: '',
      DateTime: azulDateTime(new Date()),
      ErrorDescription: '',
      IsoCode: verdict.isoCode,
      LotNumber: '1',
      RRN: `${azulDateTime(new Date())}${transaction.azulOrderId}`,
      ResponseCode: 'ISO8583',
      ResponseMessage: verdict.message,
      Ticket: String(this.transactions.length),
    };
  }

  private blankAnswer(body: AzulBody, azulOrderId: string): AzulAnswer {
    return {
      AuthorizationCode: '',
      AzulOrderId: azulOrderId,
      CustomOrderId: text(body, 'CustomOrderId'),
      DateTime: azulDateTime(new Date()),
      ErrorDescription: '',
      LotNumber: '',
      RRN: '',
      Ticket: '',
    };
  }

  private vaultAnswer(token: string, entry: VaultEntry): AzulAnswer {
    return {
      Brand: entry.brand,
      CardNumber: maskCard(entry.cardNumber),
      DataVaultToken: token,
      ErrorDescription: '',
      Expiration: entry.expiration,
      HasCVV: false,
      IsoCode: '00',
      ResponseCode: 'ISO8583',
      ResponseMessage: 'APROBADA',
    };
  }
}
