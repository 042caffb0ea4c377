import { z } from 'zod';

/**
 * The query string that selects a web-service method on `/WebServices/JSON/Default.aspx` (AZUL's
 * "Webservices" guide). ProcessPayment (Sale, Hold, Refund) is the default and has none.
 */
export const AZUL_OPERATIONS = {
  ProcessPayment: '',
  ProcessPost: 'ProcessPost',
  ProcessVoid: 'ProcessVoid',
  ProcessDatavault: 'ProcessDatavault',
  VerifyPayment: 'VerifyPayment',
  ProcessThreeDSMethod: 'ProcessThreeDSMethod',
  ProcessThreeDSChallenge: 'ProcessThreeDSChallenge',
} as const;
export type AzulOperation = keyof typeof AZUL_OPERATIONS;

const field = z.union([z.string(), z.number()]).transform(String).optional();

/**
 * The fields of AZUL's answers that the client reads. AZUL writes `IsoCode` in its JSON examples and
 * `ISOCode` in its field tables, so both are accepted. Unknown fields pass through untouched.
 */
export const azulAnswerSchema = z
  .object({
    ResponseCode: field,
    IsoCode: field,
    ISOCode: field,
    ResponseMessage: field,
    ErrorDescription: field,
    AzulOrderId: field,
    CustomOrderId: field,
    AuthorizationCode: field,
    RRN: field,
    DateTime: field,
    DataVaultToken: field,
    DataVaultExpiration: field,
    DataVaultBrand: field,
    Brand: field,
    CardNumber: field,
    Expiration: field,
    Found: z.union([z.boolean(), z.string().transform((v) => v.toLowerCase() === 'true')]).optional(),
    Amount: field,
    Itbis: field,
    ThreeDSMethod: z.object({ MethodForm: field }).partial().optional(),
    ThreeDSChallenge: z
      .object({ CReq: field, RedirectPostUrl: field, MD: field, PaReq: field })
      .partial()
      .optional(),
  })
  .passthrough();
export type AzulAnswer = z.infer<typeof azulAnswerSchema>;

export function isoCodeOf(answer: AzulAnswer): string {
  return answer.IsoCode ?? answer.ISOCode ?? '';
}

/** ResponseCode "Error" (any case): AZUL did not process the request; ErrorDescription says why. */
export function isErrorAnswer(answer: AzulAnswer): boolean {
  return (answer.ResponseCode ?? '').toLowerCase() === 'error';
}
