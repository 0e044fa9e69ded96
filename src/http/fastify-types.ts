import type { Access } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; checked by the auth hook before validation. Required on every route. */
    access?: Access;
    /**
     * Honour the Idempotency-Key header: a retry replays the first response. 'sealed' for a response
     * that carries a secret (a new client's secret): it is stored encrypted, never in clear.
     */
    idempotent?: boolean | 'sealed';
  }
  interface FastifyRequest {
    principal: Principal;
  }
}
export {};
