import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { IdParams, Nullable, problemResponses, Strict, Uuid } from '../http/schemas.js';
import { actor } from '../http/actor.js';
import { ClientCreated, ClientInput, ClientRevocationInput, ClientView, Institution, InstitutionInput } from './institutions.schemas.js';

export const institutionRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/institutions', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: {
      tags: ['institutions'], summary: 'Register an institution (operator); the same credit code returns the existing one',
      body: InstitutionInput, response: { 200: Institution, 201: Institution, ...problemResponses },
    },
  }, async (req, reply) => {
    const { institution, created } = await ctx.institutions.create(req.body, actor(req));
    return reply.code(created ? 201 : 200).send(institution);
  });

  app.get('/institutions', {
    config: { access: { allow: ['public'] } },
    schema: {
      tags: ['institutions'], summary: 'The public institution registry',
      querystring: Strict({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })), after: Type.Optional(Type.String({ maxLength: 100 })), kind: Type.Optional(Type.String({ maxLength: 40 })) }),
      response: { 200: Type.Object({ items: Type.Array(Institution), next: Nullable(Type.String()) }) },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 100;
    const { items, more } = await ctx.institutions.list(limit, req.query.after, req.query.kind);
    return { items, next: more ? items[items.length - 1]!.slug : null };
  });

  app.get('/institutions/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['institutions'], summary: 'One institution', params: IdParams, response: { 200: Institution, 404: Type.Ref('Problem') } },
  }, async (req) => ctx.institutions.get(req.params.id));

  app.post('/institutions/:id/clients', {
    config: { access: { allow: ['operator', 'institution'], institutionParam: 'id', scope: 'clients:write' }, idempotent: 'sealed' },
    schema: {
      tags: ['institutions'], summary: 'Create an API client for the institution; the secret is shown once',
      description: 'The secret is shown once, and again only to a retry by the same caller with the same `Idempotency-Key` '
        + 'within IDEMPOTENCY_KEY_HOURS (that response is stored encrypted until then). '
        + 'The operator may grant any institution scope. An institution\'s own client needs the scope `clients:write` '
        + 'and may grant only scopes it holds itself (403 `scope_not_held` otherwise), so no client can mint a more powerful one. '
        + 'Without `scopes`, the new client gets every institution scope (operator) or the caller\'s own scopes (institution client).',
      params: IdParams, body: ClientInput, response: { 201: ClientCreated, ...problemResponses },
    },
  }, async (req, reply) => reply.code(201).send(await ctx.institutions.createClient(req.params.id, req.body, actor(req))));

  app.get('/institutions/:id/clients', {
    config: { access: { allow: ['operator', 'institution'], institutionParam: 'id', scope: 'clients:write' } },
    schema: {
      tags: ['institutions'], summary: "The institution's API clients, revoked ones included (never their secrets)",
      params: IdParams, response: { 200: Type.Object({ items: Type.Array(ClientView) }), ...problemResponses },
    },
  }, async (req) => ({ items: await ctx.institutions.listClients(req.params.id, actor(req)) }));

  app.post('/institutions/:id/clients/:clientId/revocation', {
    config: { access: { allow: ['operator', 'institution'], institutionParam: 'id', scope: 'clients:write' }, idempotent: true },
    schema: {
      tags: ['institutions'], summary: 'Revoke an API client (a leaked or unused secret): its tokens stop working',
      description: 'The client gets no new token, and the tokens it holds are refused (401 `client_revoked`) at once on this server '
        + 'process and within CLIENT_REVOCATION_SYNC_SECONDS (2 s by default) on the others. '
        + 'Revoking a revoked client answers 200 with `changed: false`.',
      params: Strict({ id: Uuid, clientId: Type.String({ minLength: 1, maxLength: 100 }) }), body: ClientRevocationInput,
      response: { 200: Type.Intersect([ClientView, Type.Object({ changed: Type.Boolean() })]), ...problemResponses },
    },
  }, async (req) => ctx.institutions.revokeClient(req.params.id, req.params.clientId, req.body.reason, actor(req)));
};
