import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { badRequest } from '../errors.js';
import { actor } from '../http/actor.js';
import { problemResponses } from '../http/schemas.js';
import type { EntryLocator } from './ledger.service.js';
import {
  ConsistencyProof, ConsistencyQuery, DatabaseCheck, EntriesPage, EntriesQuery, InclusionAnswer, InclusionQuery,
  Jwks, LedgerEntry, RotatedKey, SignedTreeHead, TreeHeadPage, TreeHeadsQuery,
} from './ledger.schemas.js';

const PUBLIC = { access: { allow: ['public' as const] } };
const tags = ['ledger'];

function locatorOf(q: { index?: number; entryId?: number; resourceType?: string; resourceId?: string }): EntryLocator {
  const given = [q.index !== undefined, q.entryId !== undefined, q.resourceType !== undefined || q.resourceId !== undefined].filter(Boolean).length;
  if (given !== 1) throw badRequest('entry_locator', 'Give exactly one of index, entryId, or resourceType with resourceId', [{ pointer: '/query', message: 'one entry locator' }]);
  if (q.index !== undefined) return { index: q.index };
  if (q.entryId !== undefined) return { entryId: q.entryId };
  if (q.resourceType === undefined || q.resourceId === undefined) {
    throw badRequest('entry_locator', 'resourceType and resourceId go together', [{ pointer: q.resourceType === undefined ? '/query/resourceType' : '/query/resourceId', message: 'required' }]);
  }
  return { resourceType: q.resourceType, resourceId: q.resourceId };
}

/** Public, read-only routes of the tamper-evident ledger, and the operator's database check. */
export const ledgerRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.addSchema(SignedTreeHead);
  app.addSchema(LedgerEntry);

  app.get('/ledger/tree-head', {
    config: PUBLIC,
    schema: { tags, summary: 'The latest signed tree head', response: { 200: Type.Ref('SignedTreeHead'), ...problemResponses } },
  }, async () => ctx.ledgerService.latestTreeHead());

  app.get('/ledger/tree-heads', {
    config: PUBLIC,
    schema: { tags, summary: 'Every signed tree head, by size', querystring: TreeHeadsQuery, response: { 200: TreeHeadPage, ...problemResponses } },
  }, async (req) => ctx.ledgerService.treeHeads(req.query.cursor, req.query.limit ?? 50));

  app.get('/ledger/entries', {
    config: PUBLIC,
    schema: { tags, summary: 'Public entries with leaf index in [start, end) (at most 1,000)', querystring: EntriesQuery, response: { 200: EntriesPage, ...problemResponses } },
  }, async (req) => ctx.ledgerService.entries(req.query.start, req.query.end));

  app.get('/ledger/proofs/inclusion', {
    config: PUBLIC,
    schema: {
      tags, summary: 'RFC 9162 inclusion proof of one entry (by index, entryId, or resourceType + resourceId), in the latest signed head unless treeSize is given',
      querystring: InclusionQuery, response: { 200: InclusionAnswer, ...problemResponses },
    },
  }, async (req) => ctx.ledgerService.inclusion(locatorOf(req.query), req.query.treeSize));

  app.get('/ledger/proofs/consistency', {
    config: PUBLIC,
    schema: { tags, summary: 'RFC 9162 consistency proof between two tree sizes', querystring: ConsistencyQuery, response: { 200: ConsistencyProof, ...problemResponses } },
  }, async (req) => ctx.ledgerService.consistency(req.query.first, req.query.second));

  app.get('/ledger/keys', {
    config: PUBLIC,
    schema: { tags, summary: 'JWKS of every key that signed tree heads, rotated ones included', response: { 200: Jwks, ...problemResponses } },
  }, async () => ctx.ledgerService.jwks());

  app.post('/ledger/keys/rotate', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: { tags, summary: 'Rotate the tree-head signing key; the old key is retired and stays published so the heads it signed keep verifying', response: { 201: RotatedKey, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await ctx.ledgerService.rotateHeadKey(actor(req))));

  app.get('/ledger/checks/database', {
    config: { access: { allow: ['operator'] } },
    schema: { tags, summary: 'Recompute every entry\'s body digest from the rows: names rows changed behind the service\'s back', response: { 200: DatabaseCheck, ...problemResponses } },
  }, async () => ctx.ledgerService.checkDatabase());
};
