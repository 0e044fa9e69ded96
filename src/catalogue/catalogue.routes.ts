import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import {
  BatchResult, CatalogueItemDetail, CatalogueItemInput, CatalogueItemSchema, CataloguePage, CatalogueQuery, RetireInput,
} from './catalogue.schemas.js';

const NDJSON = 'application/x-ndjson';
const write = () => ({ allow: ['operator' as const, 'institution' as const], scope: 'catalogue:write' as const, institutionParam: 'id' });

export const catalogueRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  // The batch body reaches the handler as the raw request stream: lines are decided as they
  // arrive, so an 8,000-line catalogue is never buffered whole. The byte limit is enforced while reading.
  app.addContentTypeParser(NDJSON, (_req, payload, done) => done(null, payload));

  app.post('/institutions/:id/catalogue', {
    config: { access: write(), idempotent: true },
    schema: {
      tags: ['catalogue'], summary: 'Publish one catalogue item, or the next version of one; the same content again returns the existing item',
      params: IdParams, body: CatalogueItemInput, response: { 200: CatalogueItemSchema, 201: CatalogueItemSchema, ...problemResponses },
    },
  }, async (req, reply) => {
    const { item, created } = await ctx.catalogue.publish(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(item);
  });

  app.post('/institutions/:id/catalogue/batches', {
    config: { access: write() },
    bodyLimit: ctx.config.batchBodyLimit,
    schema: {
      tags: ['catalogue'], summary: 'Publish a whole catalogue as NDJSON (one item per line, streamed); a result per line, accepted lines are kept whatever other lines do',
      params: IdParams, consumes: [NDJSON], response: { 200: BatchResult, ...problemResponses },
    },
  }, async (req) => {
    const body = req.body as Readable | undefined;
    if (!body || typeof (body as Partial<Readable>)[Symbol.asyncIterator] !== 'function' || req.headers['content-type']?.split(';')[0]?.trim() !== NDJSON) {
      throw new AppError(415, 'unsupported_media_type', `Send the batch as ${NDJSON}, one item per line`);
    }
    return ctx.catalogue.publishBatch(req.params.id, body, ctx.config.batchBodyLimit, actor(req));
  });

  app.get('/catalogue', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['catalogue'], summary: 'Search the catalogue (latest version of each item unless allVersions); keyset pages', querystring: CatalogueQuery, response: { 200: CataloguePage, ...problemResponses } },
  }, async (req) => ctx.catalogue.list(req.query));

  app.get('/catalogue/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['catalogue'], summary: 'One catalogue item version, with its version history and, for a micro-major, its components', params: IdParams, response: { 200: CatalogueItemDetail, ...problemResponses } },
  }, async (req) => ctx.catalogue.detail(req.params.id));

  app.post('/catalogue/:id/retire', {
    config: { access: { allow: ['operator', 'institution'], scope: 'catalogue:write' }, idempotent: true },
    schema: { tags: ['catalogue'], summary: 'Retire (退出) an item version: no new deposits; existing records and credentials are unaffected', params: IdParams, body: RetireInput, response: { 200: CatalogueItemSchema, ...problemResponses } },
  }, async (req) => ctx.catalogue.retire(req.params.id, req.body.reason, actor(req)));
};
