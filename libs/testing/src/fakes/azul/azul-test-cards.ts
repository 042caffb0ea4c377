/**
 * Card numbers that make the fake AZUL answer one way, like AZUL's own test cards do in "pruebas".
 * Any other well-formed number is approved without 3-D Secure.
 */
export const AZUL_TEST_CARDS = {
  approved: '4260000000000000',
  /** IsoCode 51: INSUFICIENCIA DE FONDOS. */
  insufficientFunds: '4000000000000051',
  /** IsoCode 05: DECLINADA (denied by the issuer). */
  declined: '4000000000000005',
  /** 3-D Secure 2.0, challenge at once (IsoCode 3D in the first answer). */
  threeDsChallenge: '4000000000003220',
  /** 3-D Secure 2.0, method step (3D2METHOD) then frictionless approval. */
  threeDsMethodFrictionless: '4000000000003063',
  /** 3-D Secure 2.0, method step (3D2METHOD) then challenge (3D). */
  threeDsMethodChallenge: '4000000000003238',
} as const;

export type ThreeDsFlow = 'none' | 'challenge' | 'method-frictionless' | 'method-challenge';

export function threeDsFlowOf(cardNumber: string): ThreeDsFlow {
  switch (cardNumber) {
    case AZUL_TEST_CARDS.threeDsChallenge:
      return 'challenge';
    case AZUL_TEST_CARDS.threeDsMethodFrictionless:
      return 'method-frictionless';
    case AZUL_TEST_CARDS.threeDsMethodChallenge:
      return 'method-challenge';
    default:
      return 'none';
  }
}

/** The issuer's verdict on an authorization for this card: ISO-8583 code and AZUL's message. */
export function issuerVerdict(cardNumber: string): { isoCode: string; message: string } {
  if (cardNumber === AZUL_TEST_CARDS.insufficientFunds)
    return { isoCode: '51', message: 'INSUFICIENCIA DE FONDOS' };
  if (cardNumber === AZUL_TEST_CARDS.declined) return { isoCode: '05', message: 'DECLINADA' };
  return { isoCode: '00', message: 'APROBADA' };
}
