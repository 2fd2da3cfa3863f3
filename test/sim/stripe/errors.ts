/**
 * Stripe's error envelope. A handler throws `StripeSimError` for any answer Stripe gives as an
 * error; the server renders it as `{ error: { type, code?, message, param? } }` with the status.
 */
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

export class StripeSimError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'StripeSimError';
  }

  toJSON() {
    return { error: this.body };
  }
}

const docBase = 'https://stripe.com/docs/error-codes';

/** A 400 `invalid_request_error`, with Stripe's `doc_url` when there is a code. */
export function invalidRequest(message: string, options: { param?: string; code?: string; status?: number } = {}) {
  const { param, code, status = 400 } = options;
  return new StripeSimError(status, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code, doc_url: `${docBase}/${code.replaceAll('_', '-')}` } : {}),
    ...(param ? { param } : {}),
  });
}

/** 404 for an id the sim does not know, as Stripe words it: "No such charge: 'ch_123'". */
export function noSuchObject(objectName: string, id: string, param = 'id') {
  return invalidRequest(`No such ${objectName}: '${id}'`, { param, code: 'resource_missing', status: 404 });
}

export function unrecognizedUrl(method: string, path: string) {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}

export function idempotencyError(message: string, status = 400) {
  return new StripeSimError(status, { type: 'idempotency_error', message });
}
