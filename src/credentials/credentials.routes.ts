import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { invalidField, notFound } from '../errors.js';
import { actor } from '../http/actor.js';
import { IdParams, problemResponses, Strict, Uuid } from '../http/schemas.js';
import { BatchBody, BatchResponse, IssueBody, IssueResponse, SignedCredentialSchema, StatusBody, StatusResponse } from './credentials.schemas.js';
import { signedForm } from './issuance/issuance.service.js';
import type { JsonObject } from './core/did-key.js';

export const credentialRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const c = ctx.credentials;
  // The worker pool lives as long as the app (tests close the app, not always the context).
  app.addHook('onClose', async () => c.close());

  app.post('/credentials/issue', {
    config: { access: { allow: ['institution', 'operator'], scope: 'credentials:issue' }, idempotent: true },
    schema: {
      tags: ['credentials'], summary: 'VC-API issue: sign the caller\'s own credential (issuer must be the caller\'s DID)',
      body: IssueBody, response: { 201: IssueResponse, ...problemResponses },
    },
  }, async (req, reply) => {
    const issued = await c.vcApi.issue(req.body.credential as JsonObject, req.body.options, actor(req));
    return reply.code(201).header('location', `/verify/${issued.id}`).send({ verifiableCredential: issued.verifiableCredential });
  });

  app.post('/institutions/:id/credentials/batches', {
    config: { access: { allow: ['institution', 'operator'], scope: 'credentials:issue', institutionParam: 'id' }, idempotent: true },
    bodyLimit: ctx.config.batchBodyLimit,
    schema: {
      tags: ['credentials'], summary: 'Issue a batch (a term\'s worth) for the institution; signing is spread over worker threads; re-sending returns the same credentials',
      params: IdParams, body: BatchBody, response: { 201: BatchResponse, ...problemResponses },
    },
  }, async (req, reply) => {
    const issued = await c.vcApi.issueBatch(req.params.id, req.body.items.map((i) => ({ credential: i.credential as JsonObject, options: i.options })), actor(req));
    return reply.code(201).send({
      issued: issued.length, created: issued.filter((i) => i.created).length,
      items: issued.map((i) => ({ id: i.id, created: i.created, verifyUrl: `${ctx.config.publicUrl}/verify/${i.id}`, verifiableCredential: i.verifiableCredential })),
    });
  });

  app.post('/credentials/:id/status', {
    config: { access: { allow: ['institution', 'operator'], scope: 'credentials:issue' } },
    schema: {
      tags: ['credentials'], summary: 'Revoke, suspend or unsuspend a credential (its issuer only)',
      params: IdParams, body: StatusBody, response: { 200: StatusResponse, ...problemResponses },
    },
  }, async (req) => c.status.change(req.params.id, req.body.action, req.body.reason ?? null, actor(req)));

  app.post('/learners/:id/credentials', {
    config: { access: { allow: ['institution', 'operator'], scope: 'credentials:issue' }, idempotent: true },
    schema: { tags: ['credentials'], summary: 'Issue an OB 3.0 credential for an achievement in the learner\'s record (by its depositing institution), or for a completed micro-major (microMajorId; by its institution, only when the completion rule is met); the same request returns the same credential',
      params: IdParams, body: Strict({ achievementId: Type.Optional(Uuid), microMajorId: Type.Optional(Uuid), format: Type.Optional(Type.Union([Type.Literal('eddsa-rdfc-2022'), Type.Literal('eddsa-jcs-2022'), Type.Literal('vc+jwt')])) }),
      response: { 200: IssueResponse, 201: IssueResponse, ...problemResponses } },
  }, async (req, reply) => {
    if (!c.achievements || !c.microMajors) throw new Error('the learning record is not connected');
    const { achievementId, microMajorId } = req.body;
    if ((achievementId === undefined) === (microMajorId === undefined)) throw invalidField('/body', 'one_of_required', 'send exactly one of achievementId and microMajorId');
    const format = req.body.format ?? 'eddsa-rdfc-2022';
    const issued = achievementId ? await c.achievements.issue(req.params.id, achievementId, format, actor(req))
      : await c.microMajors.issue(req.params.id, microMajorId!, format, actor(req));
    return reply.code(issued.created ? 201 : 200).header('location', `/verify/${issued.id}`).send({ verifiableCredential: issued.verifiableCredential });
  });

  app.post('/learners/:id/clr', {
    config: { access: { allow: ['learner', 'operator'], learnerParam: 'id' }, idempotent: true },
    schema: { tags: ['credentials'], summary: 'CLR 2.0 transcript issued by the bank from the learning record: the whole transcript, or the chosen achievements (achievementIds); each achievement\'s OB 3.0 credential is reused, or issued by its depositing institution first; the same bundle returns the same CLR',
      params: IdParams, body: Strict({ achievementIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true })),
        format: Type.Optional(Type.Union([Type.Literal('eddsa-rdfc-2022'), Type.Literal('eddsa-jcs-2022'), Type.Literal('vc+jwt')])) }),
      response: { 200: IssueResponse, 201: IssueResponse, ...problemResponses } },
  }, async (req, reply) => {
    if (!c.clr) throw new Error('the learning record is not connected');
    const issued = await c.clr.issue(req.params.id, req.body, actor(req));
    return reply.code(issued.created ? 201 : 200).header('location', `/verify/${issued.id}`).send({ verifiableCredential: issued.verifiableCredential });
  });

  app.get('/learners/:id/credentials', {
    config: { access: { allow: ['learner', 'operator', 'institution'], learnerParam: 'id', scope: 'records:read' } },
    schema: { tags: ['credentials'], summary: 'Credentials issued to a learner (the learner, operators, institutions with records:read)', params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(Type.Object({
        id: Type.String(), issuer: Type.String(), kind: Type.String(), format: Type.String(), status: Type.String(),
        issuedAt: Type.String(), verifyUrl: Type.String(), verifiableCredential: SignedCredentialSchema,
        ledger: Type.Union([Type.Null(), Type.Object({ entryId: Type.Integer(), leafIndex: Type.Union([Type.Integer(), Type.Null()]), inclusionProof: Type.String() })], {
          description: 'The credential.issued ledger entry and where to get its inclusion proof' }),
      })) }), ...problemResponses } },
  }, async (req) => {
    const rows = await c.issuance.forLearner(req.params.id);
    const entries = await ctx.ledgerService.entriesFor('credential', rows.map((r) => r.id));
    return {
      items: rows.map((r) => {
        const e = entries.get(r.id);
        return {
          id: r.id, issuer: r.issuer_did, kind: r.kind, format: r.format, status: r.status, issuedAt: r.issued_at.toISOString(),
          verifyUrl: `${ctx.config.publicUrl}/verify/${r.id}`, verifiableCredential: signedForm(r),
          ledger: e ? { ...e, inclusionProof: `${ctx.config.publicUrl}/ledger/proofs/inclusion?entryId=${e.entryId}` } : null,
        };
      }),
    };
  });

  app.get('/status-lists/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: 'A signed BitstringStatusListCredential', params: IdParams,
      response: { 200: Type.Object({}, { additionalProperties: true }), 404: Type.Ref('Problem') } },
  }, async (req, reply) => reply.header('cache-control', 'public, max-age=60').send(await c.lists.listCredential(req.params.id)));

  app.get('/credentials/:id/ledger-proof', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: 'Where the credential.issued entry sits in the ledger: an RFC 9162 inclusion proof against a signed tree head, or state "pending" until integrated',
      params: IdParams, response: { 200: Type.Object({ credentialId: Type.String(), state: Type.Union([Type.Literal('included'), Type.Literal('pending')]), entryId: Type.Integer() }, { additionalProperties: true }), 404: Type.Ref('Problem') } },
  }, async (req) => c.verifier.ledgerProof(req.params.id));

  app.get('/credentials/:id/qr.svg', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['credentials'], summary: 'QR code (SVG) of the credential\'s public verification link', params: IdParams,
      response: { 200: Type.String(), 404: Type.Ref('Problem') } },
  }, async (req, reply) => {
    if (!(await c.issuance.exists(req.params.id))) throw notFound('credential', req.params.id);
    const svg = await QRCode.toString(`${ctx.config.publicUrl}/verify/${req.params.id}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return reply.type('image/svg+xml').send(svg);
  });
};
