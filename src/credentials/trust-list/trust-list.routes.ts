import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import type { Principal } from '../../auth/principal.js';
import { actor } from '../../http/actor.js';
import type { TrustedIssuer } from './trust-list.service.js';
import { IdParams, Nullable, PageQuery, problemResponses, Strict } from '../../http/schemas.js';

const Pem = Type.String({ minLength: 1, maxLength: 20_000 });
const AddBody = Strict({
  issuerId: Type.String({ minLength: 1, maxLength: 2000, description: 'The issuer as credentials name it: a DID (no fragment) or an https URL (Open Badges 2.0 issuer profile)' }),
  name: Strict({ en: Type.String({ minLength: 1, maxLength: 500 }), zh: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }),
  didDocument: Type.Optional(Type.Object({ id: Type.String() }, { additionalProperties: true, description: 'The DID document (required for a DID other than did:key) or an https issuer\'s controller document: verification resolves from this stored copy, never the network' })),
  publicKeys: Type.Optional(Type.Array(Strict({ id: Type.String({ maxLength: 2000 }), publicKeyPem: Pem }), { minItems: 1, maxItems: 20,
    description: 'Open Badges 2.0 CryptographicKeys of an issuer URL: id is what verification.creator names' })),
});
const RemoveBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
export const TrustedIssuerSchema = Type.Object({
  id: Type.String(), issuerId: Type.String(), kind: Type.Union([Type.Literal('did'), Type.Literal('url')]),
  name: Type.Object({ en: Type.String(), zh: Nullable(Type.String()) }),
  didDocument: Nullable(Type.Object({}, { additionalProperties: true })),
  publicKeys: Type.Array(Type.Object({ id: Type.String(), publicKeyPem: Type.String() })),
  status: Type.Union([Type.Literal('active'), Type.Literal('removed')]), addedAt: Type.String(),
  addedBy: Type.String({ description: 'Who added it: `operator:<client id>` for operators, the role (`operator`) for everyone else' }),
  removedAt: Nullable(Type.String()), removedBy: Nullable(Type.String({ description: 'As addedBy' })), removalReason: Nullable(Type.String()),
});

/**
 * Who added or removed an entry: operators see the client (`operator:<client id>`); everyone else
 * sees only the role, since client ids are internal (the audit trail keeps the full actor).
 */
function forReader(entry: TrustedIssuer, principal: Principal): TrustedIssuer {
  if (principal.kind === 'operator') return entry;
  const role = (by: string) => by.split(':', 1)[0]!;
  return { ...entry, addedBy: role(entry.addedBy), removedBy: entry.removedBy === null ? null : role(entry.removedBy) };
}

export const trustListRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const trust = ctx.credentials.trustList;

  app.post('/trusted-issuers', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: { tags: ['credentials'], summary: "Put an external issuer on the bank's trust list with the key material to verify it offline; the same entry again returns it",
      body: AddBody, response: { 200: TrustedIssuerSchema, 201: TrustedIssuerSchema, ...problemResponses } },
  }, async (req, reply) => {
    const { created, ...entry } = await trust.add(req.body, actor(req));
    return reply.code(created ? 201 : 200).header('location', `/trusted-issuers/${entry.id}`).send(entry);
  });

  app.get('/trusted-issuers', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: "The bank's trust list of external issuers (in force; includeRemoved=true adds removed entries)",
      querystring: Strict({ ...PageQuery, includeRemoved: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ items: Type.Array(TrustedIssuerSchema), nextCursor: Nullable(Type.String()) }), ...problemResponses } },
  }, async (req) => {
    const page = await trust.list(req.query);
    return { ...page, items: page.items.map((e) => forReader(e, req.principal)) };
  });

  app.get('/trusted-issuers/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: 'One trust-list entry, in force or removed', params: IdParams, response: { 200: TrustedIssuerSchema, ...problemResponses } },
  }, async (req) => forReader(await trust.get(req.params.id), req.principal));

  app.post('/trusted-issuers/:id/removal', {
    config: { access: { allow: ['operator'] }, idempotent: true },
    schema: { tags: ['credentials'], summary: 'Take an issuer off the trust list (recorded on the entry, never deleted); earlier imports keep their provenance, later ones stop counting',
      params: IdParams, body: RemoveBody, response: { 200: Type.Intersect([TrustedIssuerSchema, Type.Object({ changed: Type.Boolean() })]), ...problemResponses } },
  }, async (req) => trust.remove(req.params.id, req.body.reason, actor(req)));
};
