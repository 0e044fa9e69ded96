import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import { GrantWaiverInput, RevokeWaiverInput, WaiverList, WaiverListQuery, WaiverParams, WaiverView } from './waivers.schemas.js';

const AWARDING = { allow: ['operator' as const, 'institution' as const], scope: 'qualifications:award' as const };

/** Requirement waivers: granted and revoked by the awarding institution (or an operator), read by the learner too. */
export const waiverRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const waivers = ctx.qualifications.waivers;

  app.post('/learners/:id/waivers', {
    config: { access: AWARDING, idempotent: true },
    schema: {
      tags: ['qualifications'],
      summary: 'Waive a requirement of a programme for a learner, with a reason (awarding institution); the audit then shows it as waived. Granting a live waiver again returns it (200)',
      params: IdParams, body: GrantWaiverInput, response: { 200: WaiverView, 201: WaiverView, ...problemResponses },
    },
  }, async (req, reply) => {
    const { waiver, created } = await waivers.grant(req.params.id, req.body, actor(req));
    return reply.code(created ? 201 : 200).send(waiver);
  });

  app.get('/learners/:id/waivers', {
    config: { access: { allow: ['operator', 'institution', 'learner'], learnerParam: 'id' } },
    schema: {
      tags: ['qualifications'], summary: 'Waivers of a learner for a programme, every version, revoked ones included (the learner, the awarding institution, operators)',
      params: IdParams, querystring: WaiverListQuery, response: { 200: WaiverList, ...problemResponses },
    },
  }, async (req) => ({ items: await waivers.list(req.params.id, req.query.programmeId, actor(req)) }));

  app.post('/learners/:id/waivers/:waiverId/revocations', {
    config: { access: AWARDING, idempotent: true },
    schema: {
      tags: ['qualifications'], summary: 'Revoke a waiver with a reason (never deleted; it no longer counts in audits). Revoking it again returns it (200)',
      params: WaiverParams, body: RevokeWaiverInput, response: { 200: WaiverView, 201: WaiverView, ...problemResponses },
    },
  }, async (req, reply) => {
    const { waiver, created } = await waivers.revoke(req.params.id, req.params.waiverId, req.body.reason, actor(req));
    return reply.code(created ? 201 : 200).send(waiver);
  });
};
