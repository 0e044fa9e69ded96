import type { Access } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; checked by the auth hook before validation. Required on every route. */
    access?: Access;
    /** Honour the Idempotency-Key header: a retry replays the first response. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}
export {};
