import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { migrationsCurrent } from '../db/migrate.js';
import { AppError } from '../errors.js';

const Status = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

export const healthRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/health', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['service'], summary: 'Liveness: the process is serving', response: { 200: Status } },
  }, async () => ({ status: 'ok' }));

  app.get('/ready', {
    config: { access: { allow: ['public'] } },
    schema: { tags: ['service'], summary: 'Readiness: database reachable and migrations current', response: { 200: Status, 503: Type.Ref('Problem') } },
  }, async () => {
    try {
      await sql`select 1`.execute(ctx.db);
    } catch (cause) {
      throw new AppError(503, 'database_unreachable', 'The database does not answer', { cause });
    }
    if (!(await migrationsCurrent(ctx.db))) throw new AppError(503, 'migrations_pending', 'Database migrations are not current');
    return { status: 'ready', checks: { database: 'ok', migrations: 'current' } };
  });
};
