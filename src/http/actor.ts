import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/principal.js';
import './fastify-types.js';

export const actor = (req: FastifyRequest): Actor => ({ principal: req.principal, requestId: String(req.id) });
