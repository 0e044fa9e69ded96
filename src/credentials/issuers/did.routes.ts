import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { actor } from '../../http/actor.js';
import { IdParams, problemResponses, Strict } from '../../http/schemas.js';
import { BANK_REF } from './issuer-directory.js';
import { DidDocumentSchema, KeyViewSchema, RevokeKeyBody } from '../credentials.schemas.js';

export const didRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const c = ctx.credentials;
  const didJson = { 200: DidDocumentSchema, 404: Type.Ref('Problem') };

  app.get('/.well-known/did.json', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: "The bank's DID document (did:web)", response: didJson },
  }, async (_req, reply) => reply.type('application/did+json').send(await c.directory.didDocument(c.directory.bankDid)));

  app.get('/institutions/:id/did.json', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: "An institution's DID document; the path segment is the slug (did:web:<host>:institutions:<slug>)",
      params: Strict({ id: Type.String({ maxLength: 60 }) }), response: didJson },
  }, async (req, reply) => {
    const issuer = await c.directory.bySlug(req.params.id);
    const doc = issuer ? await c.directory.didDocument(issuer.did) : undefined;
    if (!doc) throw notFound('institution', req.params.id);
    return reply.type('application/did+json').send(doc);
  });

  app.get('/institutions/:id/keys', {
    config: { access: { allow: ['operator', 'institution'], institutionParam: 'id' } },
    schema: { tags: ['credentials'], summary: "The institution's credential keys (public halves only)", params: IdParams, response: { 200: Type.Array(KeyViewSchema), ...problemResponses } },
  }, async (req) => c.keyAdmin.list(req.params.id));

  app.post('/institutions/:id/keys/rotate', {
    config: { access: { allow: ['operator', 'institution'], institutionParam: 'id' }, idempotent: true },
    schema: { tags: ['credentials'], summary: 'Rotate the signing key: a new verification method; old ones stay so old credentials verify', params: IdParams, response: { 201: KeyViewSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await c.keyAdmin.rotate(req.params.id, actor(req))));

  app.post('/bank/keys/rotate', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: { tags: ['credentials'], summary: "Rotate the bank's own signing key (operators): old verification methods stay in /.well-known/did.json", response: { 201: KeyViewSchema, ...problemResponses } },
  }, async (req, reply) => reply.code(201).send(await c.keyAdmin.rotate(BANK_REF, actor(req))));

  app.get('/bank/keys', {
    config: { access: { allow: ['operator'] } },
    schema: { tags: ['credentials'], summary: "The bank's credential keys (public halves only)", response: { 200: Type.Array(KeyViewSchema), ...problemResponses } },
  }, async () => c.keyAdmin.list(BANK_REF));

  app.post('/keys/:keyId/revoke', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: { tags: ['credentials'], summary: 'Mark a key compromised: credentials it signed then fail verification with reason key_revoked',
      params: Strict({ keyId: Type.String({ maxLength: 100 }) }), body: RevokeKeyBody, response: { 200: KeyViewSchema, ...problemResponses } },
  }, async (req) => c.keyAdmin.revoke(req.params.keyId, req.body.reason, actor(req)));
};
