import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses, Strict } from '../http/schemas.js';
import { IdentityInput, Learner, LearnerInput, RevealedIdentity } from './learners.schemas.js';

export const learnerRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/learners', {
    config: { access: { allow: ['operator', 'institution'], scope: 'learners:write' }, idempotent: true },
    schema: {
      tags: ['learners'], summary: 'Open a lifelong learning account (终身学习账户); the same identity returns the existing account',
      body: LearnerInput, response: { 200: Learner, 201: Learner, ...problemResponses },
    },
  }, async (req, reply) => {
    const { learner, created } = await ctx.learners.register(req.body, actor(req));
    return reply.code(created ? 201 : 200).send(learner);
  });

  app.post('/learners/lookup', {
    config: { access: { allow: ['operator', 'institution'], scope: 'learners:read' } },
    schema: {
      tags: ['learners'], summary: 'Find the account of an identity (the number is never stored in clear)',
      body: Strict({ identity: IdentityInput }), response: { 200: Learner, ...problemResponses },
    },
  }, async (req) => {
    const learner = await ctx.learners.findByIdentity(req.body.identity);
    if (!learner) throw notFound('learner');
    return learner;
  });

  app.get('/learners/:id', {
    config: { access: { allow: ['operator', 'institution', 'learner'], learnerParam: 'id' } },
    schema: { tags: ['learners'], summary: 'A learning account, identity masked', params: IdParams, response: { 200: Learner, ...problemResponses } },
  }, async (req) => ctx.learners.get(req.params.id, actor(req)));

  app.get('/learners/:id/identity', {
    config: { access: { allow: ['operator'] } },
    schema: {
      tags: ['learners'], summary: 'The clear identity number (operator only; every reveal is audited)',
      params: IdParams, response: { 200: RevealedIdentity, ...problemResponses },
    },
  }, async (req) => ctx.learners.revealIdentity(req.params.id, actor(req)));

  app.get('/me', {
    config: { access: { allow: ['learner'] } },
    schema: { tags: ['learners'], summary: 'The signed-in learner\'s own account', response: { 200: Learner, ...problemResponses } },
  }, async (req) => ctx.learners.get(req.principal.kind === 'learner' ? req.principal.learnerId : '', actor(req)));
};

