import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import { Achievement, BatchLine, CorrectionBody, DepositBody, RevocationBody } from './records.schemas.js';
import { ExportDocument, MicroMajorList, TranscriptDocument } from './transcript.schemas.js';

const READERS = { allow: ['operator', 'institution', 'learner'] as const, scope: 'records:read' as const };

export const recordRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const svc = ctx.records.service;
  const reader = ctx.records.reader;

  app.post('/learners/:id/achievements', {
    config: { access: { allow: ['operator', 'institution'], scope: 'records:write' }, idempotent: true },
    schema: {
      tags: ['records'], summary: 'Deposit one achievement; a retry (Idempotency-Key or the same externalId) returns the original',
      params: IdParams, body: DepositBody, response: { 200: Achievement, 201: Achievement, ...problemResponses },
    },
  }, async (req, reply) => {
    const { achievement, created } = await svc.deposit(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(achievement);
  });

  app.post('/achievements', {
    config: { access: { allow: ['operator', 'institution'], scope: 'records:write' }, idempotent: true },
    schema: {
      tags: ['records'], summary: 'Deposit one achievement for a learner named by learnerId or by identity (the fields of a batch line)',
      body: BatchLine, response: { 200: Achievement, 201: Achievement, ...problemResponses },
    },
  }, async (req, reply) => {
    const { achievement, created } = await svc.depositFor(req.body, actor(req));
    return reply.code(created ? 201 : 200).send(achievement);
  });

  app.get('/achievements/:id', {
    config: { access: { allow: [...READERS.allow], scope: READERS.scope } },
    schema: { tags: ['records'], summary: 'One achievement with its full history (learner, depositor, operator)', params: IdParams, response: { 200: Achievement, ...problemResponses } },
  }, async (req) => svc.get(req.params.id, actor(req)));

  app.post('/achievements/:id/corrections', {
    config: { access: { allow: ['operator', 'institution'], scope: 'records:write' }, idempotent: true },
    schema: {
      tags: ['records'], summary: 'Correct an achievement: appends a version superseding the current one (depositor only)',
      description: 'The body is the whole corrected content, as in a deposit: a field left out (term, evidence, …) is absent from the new version. '
        + '`supersedes` names the version being corrected; if another correction got there first, 409 stale_version.',
      params: IdParams, body: CorrectionBody, response: { 200: Achievement, 201: Achievement, ...problemResponses },
    },
  }, async (req, reply) => {
    const { achievement, created } = await svc.correct(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(achievement);
  });

  app.post('/achievements/:id/revocations', {
    config: { access: { allow: ['operator', 'institution'], scope: 'records:write' }, idempotent: true },
    schema: {
      tags: ['records'], summary: 'Revoke an achievement with a reason (depositor only); the history stays',
      params: IdParams, body: RevocationBody, response: { 200: Achievement, 201: Achievement, ...problemResponses },
    },
  }, async (req, reply) => {
    const { achievement, created } = await svc.revoke(req.params.id, req.body.reason, actor(req));
    return reply.code(created ? 201 : 200).send(achievement);
  });

  app.get('/learners/:id/record', {
    config: { access: { allow: [...READERS.allow], scope: READERS.scope, learnerParam: 'id' } },
    schema: {
      tags: ['records'], summary: 'Transcript grouped by institution, level and field, with credit totals (an institution sees what it deposited and what was shared with it)',
      params: IdParams, response: { 200: TranscriptDocument, ...problemResponses },
    },
  }, async (req) => reader.transcript(req.params.id, actor(req)));

  app.get('/learners/:id/record/export', {
    config: { access: { allow: ['operator', 'learner'], learnerParam: 'id' } },
    schema: { tags: ['records'], summary: 'The whole record as one portable JSON document', params: IdParams, response: { 200: ExportDocument, ...problemResponses } },
  }, async (req) => reader.exportRecord(req.params.id, actor(req)));

  app.get('/learners/:id/micro-majors', {
    config: { access: { allow: ['operator', 'learner'], learnerParam: 'id' } },
    schema: { tags: ['records'], summary: 'Progress on each micro-major the learner has started', params: IdParams, response: { 200: Type.Object({ items: MicroMajorList }), ...problemResponses } },
  }, async (req) => ({ items: await reader.microMajors(req.params.id, actor(req)) }));
};
