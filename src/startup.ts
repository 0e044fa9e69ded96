import type { AppContext } from './context.js';

/**
 * Start-up work after migrations: returns lines to print for the operator. Frameworks and demo
 * data are added by their domains.
 */
export async function startup(ctx: AppContext): Promise<string[]> {
  const lines = [`Credit bank listening on ${ctx.config.publicUrl} (API docs: ${ctx.config.publicUrl}/docs)`];
  if (ctx.config.database.kind === 'pglite') lines.push(`Embedded database in ${ctx.config.database.dataDir}`);
  return lines;
}
