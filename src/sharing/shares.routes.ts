import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { actor } from '../http/actor.js';
import { IsoDateTime, Nullable, problemResponses, Strict, Uuid } from '../http/schemas.js';
import { TranscriptBody } from '../records/transcript.schemas.js';

const ShareParams = Strict({ id: Uuid, shareId: Uuid });
const Share = Type.Object({
  id: Type.String(), learnerId: Type.String(), scope: Type.String(), achievementIds: Type.Array(Type.String()),
  recipient: Type.Object({ name: Nullable(Type.String()), institutionId: Nullable(Type.String()) }), purpose: Nullable(Type.String()),
  expiresAt: Type.String(), createdAt: Type.String(), revokedAt: Nullable(Type.String()), status: Type.String(),
});
const ShareInput = Strict({
  achievementIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 1000, description: 'Omit to share the whole record' })),
  expiresAt: IsoDateTime,
  recipient: Type.Optional(Strict({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    institutionId: Type.Optional(Uuid),
  }, { description: 'A named recipient; an institution named here also sees the shared achievements in GET /learners/{id}/record' })),
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
const learnerOnly = { access: { allow: ['learner' as const], learnerParam: 'id' } };

export const shareRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const shares = ctx.records.shares;

  app.post('/learners/:id/shares', {
    config: { ...learnerOnly, idempotent: true },
    schema: {
      tags: ['sharing'], summary: 'Share the record (or chosen achievements) by an unguessable link; the token is shown once',
      params: Strict({ id: Uuid }), body: ShareInput,
      response: { 201: Type.Object({ share: Share, token: Type.String(), url: Type.String() }), ...problemResponses },
    },
  }, async (req, reply) => reply.code(201).send(await shares.create(req.params.id, req.body, actor(req))));

  app.get('/learners/:id/shares', {
    config: learnerOnly,
    schema: { tags: ['sharing'], summary: 'The learner\'s share grants', params: Strict({ id: Uuid }), response: { 200: Type.Object({ items: Type.Array(Share) }), ...problemResponses } },
  }, async (req) => ({ items: await shares.list(req.params.id, actor(req)) }));

  app.delete('/learners/:id/shares/:shareId', {
    config: learnerOnly,
    schema: { tags: ['sharing'], summary: 'Revoke a share link at once', params: ShareParams, response: { 200: Share, ...problemResponses } },
  }, async (req) => shares.revoke(req.params.id, req.params.shareId, actor(req)));

  app.get('/learners/:id/shares/:shareId/accesses', {
    config: learnerOnly,
    schema: {
      tags: ['sharing'], summary: 'Every access to a share link: when, hashed IP, user agent, recipient',
      params: ShareParams,
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ at: Type.String(), outcome: Type.String(), ipHash: Nullable(Type.String()), userAgent: Nullable(Type.String()), recipient: Nullable(Type.String()) })) }), ...problemResponses },
    },
  }, async (req) => ({ items: await shares.accesses(req.params.id, req.params.shareId, actor(req)) }));

  app.get('/shared/:token', {
    config: { access: { allow: ['public'] } },
    schema: {
      tags: ['sharing'], summary: 'What a share link grants, with no account; 404 unknown, 410 revoked or expired',
      params: Strict({ token: Type.String({ maxLength: 100 }) }),
      response: {
        200: Type.Object({
          share: Type.Object({ expiresAt: Type.String(), recipient: Type.Object({ name: Nullable(Type.String()), institutionId: Nullable(Type.String()) }), purpose: Nullable(Type.String()), scope: Type.String() }),
          learner: Type.Object({ name: Type.String(), nameLatin: Nullable(Type.String()) }),
          transcript: TranscriptBody,
        }),
        404: Type.Ref('Problem'), 410: Type.Ref('Problem'),
      },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    return shares.open(req.params.token, { ip: req.ip, userAgent: req.headers['user-agent'] });
  });
};
