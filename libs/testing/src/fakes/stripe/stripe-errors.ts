/** Stripe's error answers (`{ error: { type, code, message, param, decline_code } }`) as the fake throws them. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | undefined,
    message: string,
    readonly param?: string,
    readonly declineCode?: string,
    /** Extra fields of Stripe's error object (`payment_intent` on a declined confirmation). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function missing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    'resource_missing',
    `No such ${kind}: '${id}'`,
    param,
  );
}

export function required(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    'parameter_missing',
    `Missing required param: ${param}.`,
    param,
  );
}
