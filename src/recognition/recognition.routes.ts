import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IdParams, Nullable, PageQuery, problemResponses, Strict, Uuid } from '../http/schemas.js';
import {
  AppealInput, Evaluation, ItemParams, Notice, PreviewInput, QueuePage, RequestInput, RequestSummaryPage, RequestView, ReviewInput,
} from './recognition.schemas.js';

const reviewers = { allow: ['operator', 'institution'] as ('operator' | 'institution')[], scope: 'recognition:review' as const };
const NoticePage = Type.Object({ items: Type.Array(Notice), next: Nullable(Type.String({ description: 'Pass as `after` for the next (older) page; null on the last' })) });
const Limit = Strict({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })), after: Type.Optional(Uuid) });

/** Preview, requests, the review queue, decisions, appeals, notices. */
export const recognitionRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const r = ctx.recognition;
  app.post('/recognition/preview', {
    config: { access: { allow: ['public', 'learner', 'institution', 'operator'] } },
    schema: {
      tags: ['recognition'], summary: 'What-if evaluation: per achievement Match/Maybe/Miss with rule and reason, and the total; creates nothing',
      description: 'A learner previews their own record (omit `achievements`); anyone may list achievements explicitly. Not a promise: see `unevaluated` and `notice`.',
      body: PreviewInput, response: { 200: Evaluation, ...problemResponses },
    },
  }, async (req) => r.requests.preview(req.body, actor(req)));

  app.post('/recognition/requests', {
    config: { access: { allow: ['learner'] }, idempotent: true },
    schema: { tags: ['recognition'], summary: 'Ask a target institution to recognise chosen achievements; full matches are decided at once, the rest queued', body: RequestInput, response: { 201: RequestView, ...problemResponses } },
  }, async (req, reply) => {
    const p = req.principal;
    const learnerId = p.kind === 'learner' ? p.learnerId : '';
    return reply.code(201).send(await r.requests.create(learnerId, req.body, actor(req)));
  });

  app.get('/learners/:id/recognition/requests', {
    config: { access: { allow: ['learner', 'operator'], learnerParam: 'id' } },
    schema: { tags: ['recognition'], summary: "A learner's recognition requests, newest first: target, items by status, credit held now (GET /recognition/requests/{id} for the whole request)",
      params: IdParams, querystring: Strict({ ...PageQuery }), response: { 200: RequestSummaryPage, ...problemResponses } },
  }, async (req) => r.requests.listFor(req.params.id, req.query, actor(req)));

  app.get('/institutions/:id/recognition/requests', {
    config: { access: { ...reviewers, institutionParam: 'id' } },
    schema: { tags: ['recognition'], summary: 'The recognition requests addressed to this institution, newest first, decided or not: learner, items by status, credit held now',
      params: IdParams, querystring: Strict({ ...PageQuery }), response: { 200: RequestSummaryPage, ...problemResponses } },
  }, async (req) => r.requests.listAt(req.params.id, req.query, actor(req)));

  app.get('/recognition/requests/:id', {
    config: { access: { allow: ['learner', 'institution', 'operator'] } },
    schema: { tags: ['recognition'], summary: 'A request with its items, decisions, appeals and recognised credit', params: IdParams, response: { 200: RequestView, ...problemResponses } },
  }, async (req) => r.requests.get(req.params.id, actor(req)));

  app.get('/institutions/:id/recognition/queue', {
    config: { access: { ...reviewers, institutionParam: 'id' } },
    schema: { tags: ['recognition'], summary: 'Items waiting for review or appeal at this institution', params: IdParams, querystring: Limit, response: { 200: QueuePage, ...problemResponses } },
  }, async (req) => r.requests.queue(req.params.id, req.query.limit ?? 100, req.query.after));

  app.post('/recognition/requests/:id/items/:itemId/decision', {
    config: { access: reviewers, idempotent: true },
    schema: { tags: ['recognition'], summary: 'Approve, partly approve or reject a queued item, with reason and evidence', params: ItemParams, body: ReviewInput, response: { 200: RequestView, ...problemResponses } },
  }, async (req) => r.decisions.decide(req.params.id, req.params.itemId, req.body, actor(req)));

  app.post('/recognition/requests/:id/items/:itemId/appeal', {
    config: { access: { allow: ['learner'] }, idempotent: true },
    schema: { tags: ['recognition'], summary: 'Appeal a decision once, with new evidence', params: ItemParams, body: AppealInput, response: { 200: RequestView, ...problemResponses } },
  }, async (req) => r.decisions.appeal(req.params.id, req.params.itemId, req.body, actor(req)));

  app.post('/recognition/requests/:id/items/:itemId/appeal/decision', {
    config: { access: reviewers, idempotent: true },
    schema: { tags: ['recognition'], summary: 'Decide an appeal; the reviewer must differ from the one whose decision is appealed', params: ItemParams, body: ReviewInput, response: { 200: RequestView, ...problemResponses } },
  }, async (req) => r.decisions.decideAppeal(req.params.id, req.params.itemId, req.body, actor(req)));

  app.get('/learners/:id/recognition/notices', {
    config: { access: { allow: ['learner', 'operator'], learnerParam: 'id' } },
    schema: { tags: ['recognition'], summary: 'Recognition notices for a learner (decisions, revocations, re-evaluations)', params: IdParams, querystring: Limit, response: { 200: NoticePage, ...problemResponses } },
  }, async (req) => r.notices({ learnerId: req.params.id }, req.query.limit ?? 100, req.query.after, actor(req)));

  app.get('/institutions/:id/recognition/notices', {
    config: { access: { allow: ['institution', 'operator'], institutionParam: 'id' } },
    schema: { tags: ['recognition'], summary: 'Recognition notices for an institution (appeals, revocations, re-evaluations)', params: IdParams, querystring: Limit, response: { 200: NoticePage, ...problemResponses } },
  }, async (req) => r.notices({ institutionId: req.params.id }, req.query.limit ?? 100, req.query.after, actor(req)));
};
