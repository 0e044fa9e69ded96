import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { actor } from '../http/actor.js';
import { ndjsonLines, registerNdjson } from '../http/ndjson.js';
import { problemResponses, Strict, Uuid } from '../http/schemas.js';
import { depositLines } from './batch-deposit.js';
import type { RecordsService } from './records.service.js';

/** Result lines, then one summary line; an error after streaming began ends the stream with an error line. */
async function* resultStream(svc: RecordsService, body: Readable, who: Actor, opts: { institutionId?: string; maxBytes: number }) {
  const summary = { accepted: 0, replayed: 0, rejected: 0, lines: 0 };
  try {
    for await (const chunk of depositLines(svc, ndjsonLines(body, { maxBytes: opts.maxBytes }), who, { institutionId: opts.institutionId })) {
      for (const r of chunk.results) {
        summary.lines += 1;
        if (r.status === 'rejected') summary.rejected += 1;
        else if (r.replayed) summary.replayed += 1;
        else summary.accepted += 1;
        yield `${JSON.stringify(r)}\n`;
      }
    }
    yield `${JSON.stringify({ summary })}\n`;
  } catch (err) {
    // Committed chunks stay committed; a rerun of the same file replays them (natural keys).
    const known = err instanceof AppError && err.expose;
    yield `${JSON.stringify({ error: { code: known ? err.code : err instanceof RangeError ? 'body_too_large' : 'internal_error', message: known || err instanceof RangeError ? (err as Error).message : 'The batch stopped; lines reported above are committed' }, summary })}\n`;
  }
}

export const batchRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  registerNdjson(app);

  app.post('/achievements/batches', {
    config: { access: { allow: ['operator', 'institution'], scope: 'records:write' } },
    schema: {
      tags: ['records'],
      summary: 'Bulk deposit (NDJSON, one deposit per line with learnerId or identity); streams one result per line, then a summary',
      description: 'Content-Type: application/x-ndjson. Lines are committed in chunks; accepted lines are never lost when others fail. Re-sending the same file is safe: natural keys (institution + externalId) make every line land exactly once.',
      querystring: Strict({ institutionId: Type.Optional(Uuid) }),
      response: { 200: Type.String({ description: 'application/x-ndjson result lines' }), ...problemResponses },
    },
  }, async (req, reply) => {
    if (!(req.body instanceof Readable)) throw new AppError(415, 'unsupported_media_type', 'Send the batch as application/x-ndjson');
    const stream = Readable.from(resultStream(ctx.records.service, req.body, actor(req), { institutionId: req.query.institutionId, maxBytes: ctx.config.batchBodyLimit }));
    return reply.type('application/x-ndjson; charset=utf-8').send(stream);
  });
};
