import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDocumentEvents, exportFinder, httpFinder, recordExportEvents } from '../../src/ledger/cli/document-check.js';
import { exportLedger } from '../../src/ledger/cli/ledger-export.js';
import type { GetJson } from '../../src/ledger/cli/ledger-source.js';
import { bearer, createInstitution, createLearner, operatorToken, publishItem, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
let learner: TestLearner;
let file: string;
let achievementId: string;
let itemId: string;

const inject: GetJson = async (url) => {
  const res = await t.app.inject({ method: 'GET', url: url.replace('https://bank.test', '') });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
  return res.json();
};
const recordExport = async () => (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/record/export`, headers: bearer(learner.token) })).json();

beforeAll(async () => {
  t = await createTestApp();
  inst = await createInstitution(t.app, await operatorToken(t.app));
  learner = await createLearner(t.app, inst.token);
  for (const result of ['88', '75']) {
    const item = await publishItem(t.app, inst);
    const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/achievements`, headers: bearer(inst.token),
      payload: { externalId: `ext-${item.id}`, catalogueItemId: item.id, result, completedOn: '2025-06-30' } });
    expect(res.statusCode).toBe(201);
    achievementId = res.json().id;
    itemId = item.id;
  }
  const cor = await t.app.inject({ method: 'POST', url: `/achievements/${achievementId}/corrections`, headers: bearer(inst.token),
    payload: { supersedes: 1, reason: 'marking error', catalogueItemId: itemId, result: '79', completedOn: '2025-06-30' } });
  expect(cor.statusCode, cor.body).toBe(201);
  await t.ctx.ledgerService.integrate();
  file = join(mkdtempSync(join(tmpdir(), 'doc-check-')), 'ledger.ndjson');
  await exportLedger(t.ctx.ledgerService, file);
});
afterAll(async () => t.close());

describe('audit:inclusion --export: a record export against the log', () => {
  it('finds every event of an untouched export in the log, from a ledger export file (no server) and over the routes', async () => {
    const events = recordExportEvents(await recordExport());
    expect(events).toHaveLength(3);
    for (const finder of [exportFinder(file), httpFinder('https://bank.test', inject)]) {
      const { ok, results } = await checkDocumentEvents(events, finder);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('names exactly the version whose exported content was altered after issue', async () => {
    const doc = await recordExport();
    const a = doc.achievements.find((x: { id: string }) => x.id === achievementId);
    a.history.find((v: { version: number }) => v.version === 2).content.result = '99';
    const { ok, results } = await checkDocumentEvents(recordExportEvents(doc), exportFinder(file));
    expect(ok).toBe(false);
    expect(results.filter((r) => !r.ok).map((r) => r.label)).toEqual([`achievement ${achievementId} version 2 (correction)`]);
    expect(results.find((r) => !r.ok)!.reason).toMatch(/altered after it was logged/);
  });

  it('detects a record row changed in the database: the bank\'s own export no longer matches its log', async () => {
    // An attacker with database access: the append-only trigger is no obstacle to them.
    await sql`alter table achievement_versions disable trigger achievement_versions_append_only`.execute(t.ctx.db);
    await t.ctx.db.updateTable('achievement_versions').set({ result: '100' }).where('achievement_id', '=', achievementId).where('version', '=', 1).execute();
    await sql`alter table achievement_versions enable trigger achievement_versions_append_only`.execute(t.ctx.db);
    const { ok, results } = await checkDocumentEvents(recordExportEvents(await recordExport()), httpFinder('https://bank.test', inject));
    expect(ok).toBe(false);
    expect(results.filter((r) => !r.ok).map((r) => r.label)).toEqual([`achievement ${achievementId} version 1 (deposit)`]);
  });

  it('fails an entry whose tree head signature does not verify', async () => {
    const events = recordExportEvents(await recordExport()).filter((e) => e.label.includes('version 2'));
    const finder = exportFinder(file);
    const forged = { ...finder, resolveKey: async () => () => undefined };
    const { ok, results } = await checkDocumentEvents(events, forged);
    expect(ok).toBe(false);
    expect(results[0]!.reason).toMatch(/tree head/);
  });
});
