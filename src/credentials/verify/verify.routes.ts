import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { VerificationReportSchema, VerifyCredentialBody, VerifyPresentationBody } from '../credentials.schemas.js';
import { signedForm } from '../issuance/issuance.service.js';
import { verifyPresentationReport } from './presentation-verifier.js';
import { storedReportPage, verifyFormPage } from './verify-page.js';

const PresentationReportSchema = Type.Object({
  verified: Type.Boolean(), checks: Type.Array(Type.String()),
  warnings: Type.Array(Type.Object({}, { additionalProperties: true })), errors: Type.Array(Type.Object({}, { additionalProperties: true })),
  credentials: Type.Array(VerificationReportSchema),
});

/** Public verification: VC-API verify endpoints (200 when verified, 400 with the same report when not) and the page. */
export const verifyRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const c = ctx.credentials;

  app.post('/credentials/verify', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['verification'], summary: 'VC-API verify a credential; every check is reported separately', security: [],
      body: VerifyCredentialBody, response: { 200: VerificationReportSchema, 400: Type.Union([VerificationReportSchema, Type.Ref('Problem')]), 422: Type.Ref('Problem') } },
  }, async (req, reply) => {
    const report = await c.verifier.verify(req.body.verifiableCredential);
    return reply.code(report.verified ? 200 : 400).send(report);
  });

  app.post('/presentations/verify', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['verification'], summary: 'VC-API verify a presentation and each credential in it', security: [],
      body: VerifyPresentationBody, response: { 200: PresentationReportSchema, 400: Type.Union([PresentationReportSchema, Type.Ref('Problem')]), 422: Type.Ref('Problem') } },
  }, async (req, reply) => {
    const report = await verifyPresentationReport(c.verifier, req.body.verifiablePresentation, req.body.options);
    return reply.code(report.verified ? 200 : 400).send(report);
  });

  app.get('/verify', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['verification'], summary: 'Public verification page (paste or upload)', security: [], response: { 200: Type.String() } },
  }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(verifyFormPage()));

  app.get('/verify/:id', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['verification'], summary: 'Verification page of a stored credential (certificate link / QR target)', security: [],
      params: IdParams, response: { 200: Type.String(), ...problemResponses } },
  }, async (req, reply) => {
    const row = await c.issuance.stored(req.params.id);
    if (!row) throw notFound('credential', req.params.id);
    const report = await c.verifier.verify(signedForm(row));
    return reply.type('text/html; charset=utf-8').send(storedReportPage(row.id, report));
  });
};
