/** Typed application errors; the error handler renders them as RFC 9457 problem details. */
export interface FieldProblem {
  /** JSON Pointer into the request part, e.g. "/body/identity/number". */
  pointer: string;
  message: string;
}

export class AppError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly expose: boolean;
  readonly errors?: FieldProblem[];
  readonly extra?: Record<string, unknown>;

  constructor(statusCode: number, code: string, message: string,
    opts: { cause?: unknown; errors?: FieldProblem[]; extra?: Record<string, unknown> } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.statusCode = statusCode;
    this.code = code;
    this.expose = statusCode < 500;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }
}

export const badRequest = (code: string, message: string, errors?: FieldProblem[]) =>
  new AppError(400, code, message, { errors });
export const invalidField = (pointer: string, code: string, message: string) =>
  new AppError(422, code, message, { errors: [{ pointer, message }] });
export const unauthorized = (code: string, message: string) => new AppError(401, code, message);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const notFound = (what: string, id?: string) =>
  new AppError(404, `${what}_not_found`, id ? `No ${what.replace(/_/g, ' ')} with id ${id}` : `No such ${what.replace(/_/g, ' ')}`);
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) =>
  new AppError(409, code, message, { extra });

/** Titles for the stable problem types; `type` URIs are under /problems/ on the service. */
export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};
