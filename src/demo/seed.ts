import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { seedCredentials } from '../credentials/demo-seed.js';
import { seedRecords } from '../records/demo-seed.js';
import { hashSecret } from '../auth/secrets.js';
import { insertClient } from '../institutions/institutions.repository.js';
import { seedCatalogue } from '../catalogue/demo-seed.js';
import { seedRecognition } from '../recognition/demo-seed.js';
import { seedQualifications } from '../qualifications/demo-seed.js';
import { DEMO_INSTITUTIONS, DEMO_LEARNERS, type DemoState } from './demo-data.js';

const SYSTEM: Actor = { principal: { kind: 'operator', clientId: 'demo-seed', scopes: ['*'] }, requestId: 'demo-seed' };

/** A demo client with a known secret, so the README walk-through can copy it. Embedded demo only. */
async function demoClient(ctx: AppContext, institutionId: string, slug: string): Promise<{ clientId: string; secret: string }> {
  const clientId = `demo-${slug}`;
  const secret = `demo-secret-${slug}`;
  await insertClient(ctx.db, {
    id: clientId, kind: 'institution', institution_id: institutionId, name: 'Demo client',
    secret_hash: await hashSecret(secret), scopes: ['catalogue:write', 'learners:read', 'learners:write', 'records:read',
      'records:write', 'rules:write', 'recognition:review', 'qualifications:write', 'qualifications:award', 'credentials:issue'],
  });
  return { clientId, secret };
}

/**
 * Seeds a fresh embedded database with demo institutions, clients and learners. Each domain adds
 * its own step below (catalogue, records, rules, ...), in dependency order.
 */
export async function seedDemo(ctx: AppContext): Promise<string[]> {
  const existing = await ctx.db.selectFrom('institutions').select('id').limit(1).execute();
  if (existing.length > 0) return [];
  const state: DemoState = { institutions: {}, learners: {}, clients: {} };
  for (const d of DEMO_INSTITUTIONS) {
    const { institution } = await ctx.institutions.create(d.input, SYSTEM);
    state.institutions[d.key] = institution;
    state.clients[d.key] = await demoClient(ctx, institution.id, institution.slug);
  }
  for (const d of DEMO_LEARNERS) {
    const { learner } = await ctx.learners.register(d.input, SYSTEM);
    state.learners[d.key] = { ...learner, residentId: d.input.identity.number };
  }
  // Domain seed steps are appended here.
  const catalogueLines = await seedCatalogue(ctx, state, SYSTEM);
  const recordLines = await seedRecords(ctx, state, SYSTEM);
  const credentialLines = await seedCredentials(ctx, state, SYSTEM);
  const qualificationLines = await seedQualifications(ctx, state, SYSTEM);
  const recognitionLines = await seedRecognition(ctx, state, SYSTEM);
  return [...describe(state), ...catalogueLines, ...recordLines, ...credentialLines, ...qualificationLines, ...recognitionLines];
}

function describe(state: DemoState): string[] {
  const lines = ['Demo data seeded. Demo API clients (POST /oauth/token, grant_type=client_credentials):',
    '  operator: client_id=operator client_secret=operator-demo-secret'];
  for (const [key, c] of Object.entries(state.clients)) {
    lines.push(`  ${key}: client_id=${c.clientId} client_secret=${c.secret} (institution ${state.institutions[key]!.id})`);
  }
  for (const [key, l] of Object.entries(state.learners)) {
    lines.push(`  learner ${key}: id=${l.id}; sign in: POST /dev-idp/id-tokens {"sub":"${key}","residentId":"${l.residentId}"}, then token exchange`);
  }
  return lines;
}
