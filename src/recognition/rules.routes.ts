import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IdParams, Nullable, problemResponses, Strict, Uuid } from '../http/schemas.js';
import {
  Affected, Agreement, AgreementInput, EndInput, JoinInput, LeaveInput, PartyParams, RuleInput, RuleQuery, RuleVersion, RuleVersionInput,
} from './recognition.schemas.js';

const staff = (scope?: 'rules:write' | 'recognition:review') => ({ allow: ['operator', 'institution'] as ('operator' | 'institution')[], ...(scope ? { scope } : {}) });

/** Rules (versioned, public) and agreements (parties with dates). */
export const recognitionRuleRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const r = ctx.recognition;
  app.post('/rules', {
    config: { access: staff('rules:write'), idempotent: true },
    schema: { tags: ['recognition'], summary: 'Publish a rule (version 1) for the own institution as target, or for an agreement it is party to', body: RuleInput, response: { 201: RuleVersion, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await r.rules.publish(req.body, actor(req))));

  app.get('/rules', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['recognition'], summary: 'Published rules (latest version of each), public', querystring: RuleQuery, response: { 200: Type.Object({ items: Type.Array(RuleVersion), next: Nullable(Type.String()) }) } },
  }, async (req) => r.rules.list({ ...req.query, kind: req.query.type, limit: req.query.limit ?? 100 }));

  app.get('/rules/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['recognition'], summary: 'Every version of a rule', params: IdParams, response: { 200: Type.Object({ id: Type.String(), versions: Type.Array(RuleVersion) }), 404: Type.Ref('Problem') } },
  }, async (req) => ({ id: req.params.id, versions: await r.rules.versions(req.params.id) }));

  app.post('/rules/:id/versions', {
    config: { access: staff('rules:write'), idempotent: true },
    schema: { tags: ['recognition'], summary: 'Publish a new version that supersedes the latest (never an edit)', params: IdParams, body: RuleVersionInput, response: { 201: RuleVersion, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await r.rules.publishVersion(req.params.id, req.body, actor(req))));

  app.get('/rules/:id/affected', {
    config: { access: staff('recognition:review') },
    schema: { tags: ['recognition'], summary: 'Learners whose open or unsuccessful items this rule would now match', params: IdParams, response: { 200: Type.Object({ items: Type.Array(Affected) }), ...problemResponses } },
  }, async (req) => ({ items: await r.reevaluation.affected(req.params.id, actor(req)) }));

  app.post('/rules/:id/re-evaluate', {
    config: { access: staff('recognition:review'), idempotent: true },
    schema: { tags: ['recognition'], summary: 'Re-evaluate affected learners: new decisions pointing to the rule version, a notice each', params: IdParams, response: { 200: Type.Object({ learners: Type.Integer(), items: Type.Array(Affected) }), ...problemResponses } },
  }, async (req) => r.reevaluation.reevaluate(req.params.id, actor(req)));

  app.post('/agreements', {
    config: { access: staff(), idempotent: true },
    schema: { tags: ['recognition'], summary: 'Create an agreement (operator; institutions may create bilateral ones they are party to)', body: AgreementInput, response: { 201: Agreement, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await r.agreements.create(req.body, actor(req))));

  app.get('/agreements', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['recognition'], summary: 'Agreements, public', querystring: Strict({ institutionId: Type.Optional(Uuid), kind: Type.Optional(Type.String({ maxLength: 20 })), after: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }), response: { 200: Type.Object({ items: Type.Array(Agreement), next: Nullable(Type.String()) }) } },
  }, async (req) => r.agreements.list({ ...req.query, limit: req.query.limit ?? 100 }));

  app.get('/agreements/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['recognition'], summary: 'One agreement with its parties', params: IdParams, response: { 200: Agreement, 404: Type.Ref('Problem') } },
  }, async (req) => r.agreements.get(req.params.id));

  app.post('/agreements/:id/parties', {
    config: { access: staff(), idempotent: true },
    schema: { tags: ['recognition'], summary: 'An institution joins from a date (today or later, never retroactive)', params: IdParams, body: JoinInput, response: { 200: Agreement, ...problemResponses } },
  }, async (req) => r.agreements.join(req.params.id, req.body.institutionId, req.body.joinedOn, actor(req)));

  app.post('/agreements/:id/parties/:institutionId/leave', {
    config: { access: { ...staff(), institutionParam: 'institutionId' }, idempotent: true },
    schema: { tags: ['recognition'], summary: 'A party leaves from a date (today or later); its rules stop applying from that date', params: PartyParams, body: LeaveInput, response: { 200: Agreement, ...problemResponses } },
  }, async (req) => r.agreements.leave(req.params.id, req.params.institutionId, req.body.leftOn, actor(req)));

  app.post('/agreements/:id/end', {
    config: { access: staff(), idempotent: true },
    schema: { tags: ['recognition'], summary: 'End the agreement from a date (today or later, never retroactive): its rules stop applying from that date. Operator; a current party for a bilateral agreement', params: IdParams, body: EndInput, response: { 200: Agreement, ...problemResponses } },
  }, async (req) => r.agreements.end(req.params.id, req.body.endsOn, req.body.reason, actor(req)));
};
