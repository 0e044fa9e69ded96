import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actor } from '../../http/actor.js';
import { IdParams, Nullable, PageQuery, problemResponses, Strict } from '../../http/schemas.js';
import { SignedCredentialSchema } from '../credentials.schemas.js';

export const ImportMarkSchema = Type.Object({
  id: Type.String(), format: Type.String({ description: 'ob3, w3c-vc, clr (a CLR 2.0 transcript: it counts through the credentials it bundles, each imported on its own), ob2 or ob1' }),
  verification: Type.String({ description: 'How it was verified, e.g. w3c-vc:eddsa-rdfc-2022, ob2-signed:RS256, ob2-offline-shape+recipient, openbadges-validator:offline-structure; '
    + '"+clr-issuer" when a bundled credential\'s own issuer is unknown to the bank and it is trusted through the CLR\'s issuer' }),
  verified: Type.Boolean(), name: Nullable(Type.String()), issuer: Nullable(Type.String()),
  trustedIssuer: Type.Boolean({ description: 'The issuer was the bank, one of its institutions, or on the trust list when imported' }),
  countsForRecognition: Type.Boolean({ description: 'Verified and from a trusted issuer' }),
  trustEntry: Nullable(Type.Object({ id: Type.String(), status: Type.String(), removedAt: Nullable(Type.String()) })),
  importedAt: Type.String(),
  partOf: Nullable(Type.String({ description: 'For a credential that came bundled in an imported CLR: the import of that CLR' })),
});
export const ImportItemSchema = Type.Intersect([ImportMarkSchema, Type.Object({
  checks: Type.Any(),
  evidence: Type.Object({ digest: Type.String(), mediaType: Type.String(), credential: SignedCredentialSchema }, { description: 'The original credential, kept verbatim' }),
})]);
const ImportResponse = Type.Intersect([ImportItemSchema, Type.Object({
  created: Type.Boolean(),
  parts: Type.Optional(Type.Array(ImportMarkSchema, { description: 'For a CLR: the import of each credential it bundles (one the learner had already imported keeps its first import and judgement)' })),
})]);

export const importRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const imports = ctx.credentials.imports;

  app.post('/learners/:id/imports', {
    config: { access: { allow: ['learner', 'operator'], learnerParam: 'id' }, idempotent: true },
    schema: { tags: ['credentials'], summary: 'Import a credential from elsewhere (W3C VC / OB 3.0, a CLR 2.0 transcript such as a peer credit bank\'s, OB 2.0 hosted or signed JWS, OB 1.x); kept as evidence with how it was verified',
      description: 'A CLR 2.0 ClrCredential is kept whole and each achievement credential it bundles becomes an import of its own (`parts`), verified on its own. '
        + 'A bundled credential whose issuer the bank does not know is trusted through the CLR\'s issuer when the CLR verifies and its issuer is trusted; '
        + 'its status and dates must hold all the same, and its own proof whenever its issuer\'s key is known here (otherwise the CLR\'s proof covers it). '
        + 'Choose the parts, not the CLR, for recognition.',
      params: IdParams, body: Strict({ credential: SignedCredentialSchema, email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })) }),
      response: { 200: ImportResponse, 201: ImportResponse, ...problemResponses } },
  }, async (req, reply) => {
    const r = await imports.import(req.params.id, req.body, actor(req));
    return reply.code(r.created ? 201 : 200).send(r);
  });

  app.get('/learners/:id/imports', {
    config: { access: { allow: ['learner', 'operator', 'institution'], learnerParam: 'id', scope: 'records:read' } },
    schema: { tags: ['credentials'], summary: "A learner's imported credentials, newest first, each with how it was verified and its original as evidence (institutions only through a whole-record share)",
      params: IdParams, querystring: Strict({ ...PageQuery }),
      response: { 200: Type.Object({ items: Type.Array(ImportItemSchema), nextCursor: Nullable(Type.String()), view: Type.Union([Type.Literal('whole'), Type.Literal('partial')]) }), ...problemResponses } },
  }, async (req) => imports.list(req.params.id, req.query, actor(req)));
};
