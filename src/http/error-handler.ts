import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, STATUS_TITLES, type FieldProblem } from '../errors.js';

/** Fastify's own request errors: status, our code, and the part of the request at fault (none for a missing route). */
const FASTIFY_CODES: Record<string, [number, string, string?]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', '/headers/content-type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', '/headers/content-length'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', '/body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body', '/body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed_json', '/body'],
  FST_ERR_CTP_EMPTY_TYPE: [415, 'missing_content_type', '/headers/content-type'],
  FST_ERR_CTP_INVALID_TYPE: [415, 'unsupported_media_type', '/headers/content-type'],
  FST_ERR_NOT_FOUND: [404, 'route_not_found'],
};

export function sendProblem(reply: FastifyReply, status: number, code: string, detail: string,
  extra: { errors?: FieldProblem[] } & Record<string, unknown> = {}): FastifyReply {
  const body = {
    type: `/problems/${code}`, title: STATUS_TITLES[status] ?? 'Error', status, code, detail,
    instance: reply.request.url, requestId: String(reply.request.id), ...extra,
  };
  return reply.code(status).type('application/problem+json').send(body);
}

function pointerOf(e: { instancePath?: string; params?: Record<string, unknown> }, part: string): string {
  const extra = e.params?.additionalProperty ?? e.params?.missingProperty;
  const base = `/${part}${e.instancePath ?? ''}`;
  return extra ? `${base}/${String(extra)}` : base;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, 404, 'route_not_found', `No route ${req.method} ${req.url.split('?')[0]}`));

  app.setErrorHandler((error: FastifyError & { cause?: unknown }, req: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.statusCode >= 500) req.log.error({ err: error }, 'application error');
      return sendProblem(reply, error.statusCode, error.code, error.expose ? error.message : 'Internal error',
        { errors: error.errors, ...error.extra });
    }
    if (error.validation) {
      const part = error.validationContext ?? 'body';
      const errors = error.validation.map((e) => ({ pointer: pointerOf(e, part), message: e.message ?? 'invalid' }));
      const unknown = error.validation.some((e) => e.keyword === 'additionalProperties');
      return sendProblem(reply, 400, unknown ? 'unknown_field' : 'validation_failed',
        `The ${part} is not valid: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, { errors });
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const [status, code, pointer] = mapped;
      return sendProblem(reply, status, code, error.message, pointer ? { errors: [{ pointer, message: error.message }] } : {});
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, error.statusCode, 'bad_request', error.message);
    }
    req.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 500, 'internal_error', 'The service failed to handle this request; it has been logged with the request id.');
  });
}
