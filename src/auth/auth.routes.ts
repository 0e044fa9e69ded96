import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AppError, badRequest } from '../errors.js';
import { Strict } from '../http/schemas.js';
import { DEV_IDP_PATH } from './dev-idp.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

const TokenRequest = Strict({
  grant_type: Type.String({ maxLength: 100 }),
  client_id: Type.Optional(Type.String({ maxLength: 200 })),
  client_secret: Type.Optional(Type.String({ maxLength: 500 })),
  scope: Type.Optional(Type.String({ maxLength: 1000 })),
  subject_token: Type.Optional(Type.String({ maxLength: 20000 })),
  subject_token_type: Type.Optional(Type.String({ maxLength: 200 })),
});
const TokenResponse = Type.Object({
  access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), scope: Type.String(),
});

function basicCredentials(header: string | undefined): [string, string] | undefined {
  const m = header ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : [decodeURIComponent(decoded.slice(0, i)), decodeURIComponent(decoded.slice(i + 1))];
}

/** OAuth errors keep RFC 6749's `error` member beside the problem fields. */
function oauthError(e: unknown): never {
  if (e instanceof AppError) throw new AppError(e.statusCode, e.code, e.message, { cause: e, errors: e.errors, extra: { error: e.code.startsWith('invalid_') || e.code.startsWith('unsupported_') ? e.code : 'invalid_grant' } });
  throw e;
}

export const authRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  await app.register(tokenRoute(ctx));

  const devIdp = ctx.devIdp;
  if (!devIdp) return;
  app.get(`${DEV_IDP_PATH}/jwks.json`, {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['dev identity provider'], summary: 'Keys of the built-in development identity provider' },
  }, async () => devIdp.jwks());

  app.post(`${DEV_IDP_PATH}/id-tokens`, {
    config: { access: { allow: ['public'] } },
    schema: {
      tags: ['dev identity provider'],
      summary: 'Demo only: sign an OpenID Connect ID token for a learner (stands in for a real-name identity provider)',
      body: Strict({ sub: Type.String({ minLength: 1, maxLength: 200 }), name: Type.Optional(Type.String({ maxLength: 200 })), residentId: Type.Optional(Type.String({ maxLength: 18 })) }),
      response: { 200: Type.Object({ id_token: Type.String(), issuer: Type.String() }) },
    },
  }, async (req) => ({ id_token: await devIdp.idToken(req.body), issuer: devIdp.issuer }));
};

/**
 * RFC 6749 token requests are form-encoded, so form bodies are parsed in this plugin's scope only;
 * every other route takes JSON (a form body there is a 415).
 */
const tokenRoute = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  await app.register(formbody);
  app.post('/oauth/token', {
    config: { access: { allow: ['public'] } },
    schema: {
      tags: ['auth'], summary: 'OAuth 2.0 token endpoint: client credentials, or a learner ID token exchange',
      body: TokenRequest, response: { 200: TokenResponse },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const body = req.body;
    try {
      if (body.grant_type === 'client_credentials') {
        const [id, secret] = basicCredentials(req.headers.authorization) ?? [body.client_id, body.client_secret];
        if (!id || !secret) throw badRequest('invalid_request', 'client_id and client_secret are required (body or HTTP Basic)', [{ pointer: id ? '/body/client_secret' : '/body/client_id', message: 'required (or HTTP Basic)' }]);
        return await ctx.auth.clientCredentials(id, secret, body.scope);
      }
      if (body.grant_type === TOKEN_EXCHANGE) {
        if (!body.subject_token || body.subject_token_type !== ID_TOKEN_TYPE) {
          throw badRequest('invalid_request', `subject_token and subject_token_type=${ID_TOKEN_TYPE} are required`,
            [{ pointer: body.subject_token ? '/body/subject_token_type' : '/body/subject_token', message: body.subject_token ? `must be ${ID_TOKEN_TYPE}` : 'required' }]);
        }
        return await ctx.auth.exchangeIdToken(body.subject_token, String(req.id));
      }
      throw badRequest('unsupported_grant_type', `grant_type must be client_credentials or ${TOKEN_EXCHANGE}`, [{ pointer: '/body/grant_type', message: 'unsupported' }]);
    } catch (e) {
      oauthError(e);
    }
  });
};
