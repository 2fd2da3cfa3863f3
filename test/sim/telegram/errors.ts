/**
 * Errors in the Bot API's shapes, and injected failures. Descriptions follow the real server
 * (tdlib/telegram-bot-api Client.cpp and the TDLib checks behind it): "Bad Request: " plus the
 * TDLib message with its first letter lowered, or the MTProto error code as is.
 */
import type { FailRule } from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

export const badRequest = (description: string, parameters?: Record<string, unknown>) =>
  new ApiError(400, `Bad Request: ${description}`, parameters);
export const forbidden = (description: string) => new ApiError(403, `Forbidden: ${description}`);
/** Telegram's flood wait: whole seconds in the description and in `parameters.retry_after`. */
export const tooManyRequests = (retryAfter: number, description = `Too Many Requests: retry after ${retryAfter}`) =>
  new ApiError(429, description, { retry_after: retryAfter });

/** What Telegram shows a user (not the bot) when their action fails, e.g. INVITE_HASH_EXPIRED. */
export class SimUserError extends Error {
  constructor(readonly code: string) {
    super(`telegram sim: Telegram refused the user: ${code}`);
  }
}

/** Descriptions used by several methods. */
export const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';
export const NOT_ENOUGH_RIGHTS_TO_RESTRICT = 'not enough rights to restrict/unrestrict chat member';

export const required = (field: string) => badRequest(`parameter "${field}" is required`);

export class FailureInjector {
  private readonly rules: Array<FailRule & { remaining: number }> = [];

  add(rule: FailRule, times: number): void {
    this.rules.push({ ...rule, remaining: times });
  }

  /** Throws the injected failure for `method`, if one is pending. */
  check(method: string): void {
    const rule = this.rules.find((candidate) => candidate.method === method && candidate.remaining > 0);
    if (!rule) return;
    rule.remaining -= 1;
    if (rule.errorCode === 429) {
      const retryAfter = rule.retryAfter ?? 1;
      throw tooManyRequests(retryAfter, rule.description);
    }
    throw new ApiError(rule.errorCode, rule.description ?? defaultDescription(rule.errorCode));
  }
}

function defaultDescription(code: number): string {
  if (code === 502) return 'Bad Gateway';
  if (code >= 500) return 'Internal Server Error';
  if (code === 403) return 'Forbidden: bot was blocked by the user';
  if (code === 401) return 'Unauthorized';
  if (code === 409) return 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
  return 'Bad Request: chat not found';
}
