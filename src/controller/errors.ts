/**
 * The one error type the admin API answers with: an HTTP status plus the `{error: {code, message, details}}` body
 * from the contract, so every 4xx carries a message the UI can show as it is.
 */
import type { ApiErrorCode } from '../contract';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}
