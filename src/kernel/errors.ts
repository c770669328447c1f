/**
 * Application errors, mapped to RFC 9457 problem documents by the HTTP layer.
 * `type` is stable and documented: https://tradelane.dev/problems/<code>
 */
export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const problemTypeBase = 'https://tradelane.dev/problems/';

export const validationError = (errors: FieldError[], message = 'The request has invalid fields') =>
  new AppError('validation', 400, message, errors);
export const badRequest = (message: string, field?: string) =>
  new AppError('bad_request', 400, message, field ? [{ field, message }] : []);
export const unauthenticated = (message = 'Authentication is required') => new AppError('unauthenticated', 401, message);
export const forbidden = (message: string) => new AppError('forbidden', 403, message);
export const notFound = (what: string, id?: string) =>
  new AppError('not_found', 404, id ? `${what} ${id} was not found` : `${what} was not found`);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new AppError('conflict', 409, message, [], extra);
export const unprocessable = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(code, 422, message, [], extra);
export const illegalTransition = (entity: string, from: string, to: string, allowed: string[]) =>
  new AppError('illegal_transition', 409, `${entity} cannot go from "${from}" to "${to}"; allowed from "${from}": ${allowed.length ? allowed.join(', ') : 'none'}`, [], { from, to, allowed });
