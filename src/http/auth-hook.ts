import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize, type Access } from '../auth/policy.js';
import type { TokenService } from '../auth/tokens.js';
import { AppError, unauthorized } from '../errors.js';
import './fastify-types.js';

async function principalOf(req: FastifyRequest, tokens: TokenService) {
  const header = req.headers.authorization;
  if (header === undefined) return { kind: 'public' as const };
  // The scheme is case-insensitive (RFC 9110 §11.1): "bearer <token>" is the same header.
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match) throw unauthorized('malformed_authorization', 'Authorization must be "Bearer <token>"');
  return tokens.verify(match[1]!);
}

/**
 * RFC 6750 §3: a 401 from a protected route says how to authenticate, and why the token failed.
 * Only this hook's 401s are about a bearer token (the token endpoint's invalid_client is not).
 */
function bearerChallenge(code: string): string {
  if (code === 'authentication_required') return 'Bearer realm="credit-bank"';
  return `Bearer realm="credit-bank", error="${code === 'malformed_authorization' ? 'invalid_request' : 'invalid_token'}"`;
}

/** One row per route: what the access-matrix test walks, so no route escapes it. */
export interface RouteAccess { method: string; url: string; access: Access }

/** Authenticates every request and applies the route's declared access before anything else runs. */
export function registerAuth(app: FastifyInstance, tokens: TokenService, table: RouteAccess[]): void {
  app.decorateRequest('principal', null as never);
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      if (!route.url.startsWith('/docs')) throw new Error(`Route ${String(route.method)} ${route.url} declares no access`);
      route.config = { ...route.config, access: { allow: ['public'] } };
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, access: route.config.access! });
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    try {
      req.principal = await principalOf(req, tokens);
      const access = req.routeOptions.config?.access;
      // Unknown routes have no access and fall through to the 404 handler.
      if (access) authorize(access, req.principal, (req.params ?? {}) as Record<string, string>);
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 401) reply.header('www-authenticate', bearerChallenge(err.code));
      throw err;
    }
  });
}
