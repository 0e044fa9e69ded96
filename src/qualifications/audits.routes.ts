import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import {
  AuditViewSchema, AwardInput, AwardList, AwardView, LearnerProgrammeParams, RescindInput, VersionQuery, WhatIfInput,
} from './qualifications.schemas.js';

const READERS = { allow: ['operator' as const, 'institution' as const, 'learner' as const], learnerParam: 'id' };

/** Audits (the learner, the awarding institution, operators) and awards. */
export const auditRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const q = ctx.qualifications;

  app.get('/learners/:id/audits/:programmeId', {
    config: { access: READERS },
    schema: {
      tags: ['qualifications'], summary: 'Audit against the enrolled programme version (or a later ?version=): each requirement, where each achievement counts, what is missing and which catalogue items would fill it',
      params: LearnerProgrammeParams, querystring: VersionQuery, response: { 200: AuditViewSchema, ...problemResponses },
    },
  }, async (req) => q.audits.audit(req.params.id, req.params.programmeId, req.query.version, actor(req)));

  app.post('/learners/:id/audits/:programmeId/what-if', {
    config: { access: READERS },
    schema: {
      tags: ['qualifications'], summary: 'The audit with hypothetical achievements (catalogue items and results); nothing is stored',
      params: LearnerProgrammeParams, querystring: VersionQuery, body: WhatIfInput, response: { 200: AuditViewSchema, ...problemResponses },
    },
  }, async (req) => q.audits.whatIf(req.params.id, req.params.programmeId, req.query.version, req.body.items, actor(req)));

  app.post('/learners/:id/awards', {
    config: { access: { allow: ['operator', 'institution'], scope: 'qualifications:award' }, idempotent: true },
    schema: {
      tags: ['qualifications'], summary: 'Award a qualification on a complete audit (awarding institution); stores the audit snapshot and issues the degree credential',
      params: IdParams, body: AwardInput, response: { 200: AwardView, 201: AwardView, ...problemResponses },
    },
  }, async (req, reply) => {
    const { award, created } = await q.awards.award(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(award);
  });

  app.get('/learners/:id/awards', {
    config: { access: READERS },
    schema: { tags: ['qualifications'], summary: 'Awards of a learner, rescinded ones included (an institution sees its own)', params: IdParams, response: { 200: AwardList, ...problemResponses } },
  }, async (req) => ({ items: await q.awards.list(req.params.id, actor(req)) }));

  app.post('/awards/:id/rescissions', {
    config: { access: { allow: ['operator', 'institution'], scope: 'qualifications:award' }, idempotent: true },
    schema: {
      tags: ['qualifications'], summary: 'Rescind an award with a reason (never deleted; its credential is revoked)',
      params: IdParams, body: RescindInput, response: { 200: AwardView, 201: AwardView, ...problemResponses },
    },
  }, async (req, reply) => {
    const { award, created } = await q.awards.rescind(req.params.id, req.body.reason, actor(req));
    return reply.code(created ? 201 : 200).send(award);
  });
};
