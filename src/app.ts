import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { authRoutes } from './auth/auth.routes.js';
import type { AppContext } from './context.js';
import { healthRoutes } from './health/health.routes.js';
import { registerAuth, type RouteAccess } from './http/auth-hook.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerIdempotency } from './http/idempotency.js';
import { registerTextCheck } from './http/text-check.js';
import { AJV_OPTIONS, partAwareValidator } from './http/validation.js';
import { Problem } from './http/schemas.js';
import { institutionRoutes } from './institutions/institutions.routes.js';
import { learnerRoutes } from './learners/learners.routes.js';
import { frameworkRoutes } from './frameworks/frameworks.routes.js';
import { catalogueRoutes } from './catalogue/catalogue.routes.js';
import { batchRoutes } from './records/batch.routes.js';
import { recordRoutes } from './records/records.routes.js';
import { shareRoutes } from './sharing/shares.routes.js';
import { ledgerRoutes } from './ledger/ledger.routes.js';
import { credentialRoutes } from './credentials/credentials.routes.js';
import { didRoutes } from './credentials/issuers/did.routes.js';
import { trustListRoutes } from './credentials/trust-list/trust-list.routes.js';
import { importRoutes } from './credentials/imports/imports.routes.js';
import { verifyRoutes } from './credentials/verify/verify.routes.js';
import { recognitionRuleRoutes } from './recognition/rules.routes.js';
import { recognitionRoutes } from './recognition/recognition.routes.js';
import { programmeRoutes } from './qualifications/programmes.routes.js';
import { auditRoutes } from './qualifications/audits.routes.js';
import { waiverRoutes } from './qualifications/waivers.routes.js';

const CALLER_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** Builds the HTTP application over a context; never listens (server.ts does). */
export async function buildApp(ctx: AppContext, routeTable: RouteAccess[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimit,
    // A caller's X-Request-Id is kept for tracing when it is a plausible id (it goes into every log
    // and audit line of the request); anything else gets a fresh UUID rather than 16 KB of text.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { ...AJV_OPTIONS } },
    schemaController: { compilersFactory: { buildValidator: partAwareValidator() as never } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (req, reply) => { reply.header('x-request-id', req.id); });
  registerErrorHandling(app);
  registerTextCheck(app);
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Credit bank and credential ledger API',
        description: 'Lifelong learning accounts, recognition of learning, verifiable credentials and a tamper-evident ledger. Errors are RFC 9457 problem details.',
        version: '0.1.0',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app, ctx.tokens, routeTable);
  registerIdempotency(app, ctx.db, ctx.idempotency);

  app.get('/openapi.json', {
    config: { access: { allow: ['public'] } },
    schema: { hide: true },
  }, async () => app.swagger());

  await app.register(healthRoutes(ctx));
  await app.register(authRoutes(ctx));
  await app.register(institutionRoutes(ctx));
  await app.register(learnerRoutes(ctx));
  await app.register(frameworkRoutes(ctx));
  await app.register(catalogueRoutes(ctx));
  await app.register(recordRoutes(ctx));
  await app.register(batchRoutes(ctx));
  await app.register(shareRoutes(ctx));
  await app.register(ledgerRoutes(ctx));
  await app.register(didRoutes(ctx));
  await app.register(trustListRoutes(ctx));
  await app.register(importRoutes(ctx));
  await app.register(credentialRoutes(ctx));
  await app.register(verifyRoutes(ctx));
  await app.register(recognitionRuleRoutes(ctx));
  await app.register(recognitionRoutes(ctx));
  await app.register(programmeRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(waiverRoutes(ctx));
  return app;
}
