import type { AppContext } from './context.js';
import { seedDemo } from './demo/seed.js';

/**
 * Start-up work after migrations: returns lines to print for the operator. Frameworks and demo
 * data are added by their domains.
 */
export async function startup(ctx: AppContext): Promise<string[]> {
  const lines = [`Credit bank listening on ${ctx.config.publicUrl} (API docs: ${ctx.config.publicUrl}/docs)`];
  if (ctx.config.database.kind === 'pglite') lines.push(`Embedded database in ${ctx.config.database.dataDir}`);
  // Demo data only on the embedded database, and only while it is empty.
  if (ctx.config.demoSeed && ctx.config.database.kind === 'pglite') lines.push(...await seedDemo(ctx));
  return lines;
}
