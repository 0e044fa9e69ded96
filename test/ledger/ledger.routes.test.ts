import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, runInclusion } from '../../src/ledger/cli/audit-run.js';
import { exportLedger } from '../../src/ledger/cli/ledger-export.js';
import { fileSource, httpSource, type GetJson } from '../../src/ledger/cli/ledger-source.js';
import {
  decodeProofHashes, hashFromBase64, leafHashOf, verifyConsistency, verifyInclusion, verifyTreeHead,
} from '../../src/ledger/merkle/index.js';
import { LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE, resolverFromJwks } from '../../src/ledger/tree-head-keys.js';
import { bearer, operatorToken } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { SMALL_LEDGER, appendEvent, appendEvents } from './ledger-fixture.js';

let t: TestApp;
const get = async (url: string) => t.app.inject({ method: 'GET', url });
const inject: GetJson = async (url) => (await get(url.replace('https://bank.test', ''))).json();

beforeAll(async () => {
  t = await createTestApp({ config: SMALL_LEDGER });
  // 8 events and the tree-head key's key.created entry (the integrator creates the key on first use).
  await appendEvents(t.ctx, 8);
  await t.ctx.ledgerService.integrate();
  // A key rotation between heads (itself an entry, key.rotated): old heads must keep verifying through /ledger/keys.
  await t.ctx.keys.rotate(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE);
  await appendEvents(t.ctx, 7);
  await appendEvent(t.ctx, { resourceType: 'test_document', resourceId: 'urn:uuid:cred-42' });
  await t.ctx.ledgerService.integrate();
});
afterAll(async () => t.close());

describe('ledger routes', () => {
  it('serves the latest signed head and the history, every head verifying with the published keys', async () => {
    const latest = (await get('/ledger/tree-head')).json();
    expect(latest.treeSize).toBe(18);
    const jwks = (await get('/ledger/keys')).json();
    expect(jwks.keys.map((k: { status: string }) => k.status).sort()).toEqual(['active', 'retired']);
    const first = (await get('/ledger/tree-heads?limit=2')).json();
    expect(first.items).toHaveLength(2);
    const rest = (await get(`/ledger/tree-heads?limit=50&cursor=${first.nextCursor}`)).json();
    const heads = [...first.items, ...rest.items];
    expect(heads.at(-1)).toEqual(latest);
    expect(new Set(heads.map((h: { kid: string }) => h.kid)).size).toBe(2);
    for (const head of heads) expect((await verifyTreeHead(head, resolverFromJwks(jwks))).ok).toBe(true);
  });

  it('serves bounded ranges of public entries without learner ids', async () => {
    const res = (await get('/ledger/entries?start=16&end=100')).json();
    expect(res.treeSize).toBe(18);
    expect(res.entries.map((e: { index: number }) => e.index)).toEqual([16, 17]);
    expect(Object.keys(res.entries[0]).sort()).toEqual(['actor', 'bodyDigest', 'entryId', 'eventType', 'index', 'leafHash', 'recordedAt', 'subjectRef']);
    expect((await get('/ledger/entries?start=0&end=5000')).json()).toMatchObject({ status: 422, code: 'range_too_large' });
    expect((await get('/ledger/entries?start=0&end=5&extra=1')).statusCode).toBe(400);
  });

  it('serves inclusion proofs by index, entry id and resource that verify against the signed head', async () => {
    const byResource = (await get('/ledger/proofs/inclusion?resourceType=test_document&resourceId=urn:uuid:cred-42')).json();
    const byEntry = (await get(`/ledger/proofs/inclusion?entryId=${byResource.entry.entryId}`)).json();
    const byIndex = (await get(`/ledger/proofs/inclusion?index=${byResource.entry.index}`)).json();
    expect(byEntry).toEqual(byResource);
    expect(byIndex).toEqual(byResource);
    const { entry, proof, treeHead } = byResource;
    expect(verifyInclusion(entry.index, proof.treeSize, leafHashOf(entry), decodeProofHashes(proof.hashes)!, hashFromBase64(treeHead.rootHash)!)).toBe(true);
    const older = (await get('/ledger/proofs/inclusion?index=3&treeSize=9')).json();
    expect(older.treeHead.treeSize).toBe(9);
    expect(verifyInclusion(3, 9, leafHashOf(older.entry), decodeProofHashes(older.proof.hashes)!, hashFromBase64(older.treeHead.rootHash)!)).toBe(true);
  });

  it('rejects ambiguous or impossible inclusion requests with stable codes', async () => {
    expect((await get('/ledger/proofs/inclusion?index=1&entryId=2')).json()).toMatchObject({ status: 400, code: 'entry_locator' });
    expect((await get('/ledger/proofs/inclusion?resourceType=test_document')).json()).toMatchObject({ status: 400, code: 'entry_locator' });
    expect((await get('/ledger/proofs/inclusion?index=999')).json()).toMatchObject({ status: 404, code: 'ledger_entry_not_found' });
    expect((await get('/ledger/proofs/inclusion?index=5&treeSize=3')).json()).toMatchObject({ status: 422, code: 'tree_size_too_small' });
    expect((await get('/ledger/proofs/inclusion?index=5&treeSize=99')).json()).toMatchObject({ status: 422, code: 'tree_size_too_large' });
    const pending = await appendEvent(t.ctx);
    expect((await get(`/ledger/proofs/inclusion?entryId=${pending.id}`)).json()).toMatchObject({ status: 409, code: 'entry_not_integrated' });
  });

  it('serves consistency proofs between any two sizes that verify against the signed roots', async () => {
    const heads = (await get('/ledger/tree-heads?limit=50')).json().items as { treeSize: number; rootHash: string }[];
    for (const a of heads) for (const b of heads.filter((h) => h.treeSize >= a.treeSize)) {
      const proof = (await get(`/ledger/proofs/consistency?first=${a.treeSize}&second=${b.treeSize}`)).json();
      expect(verifyConsistency(a.treeSize, b.treeSize, hashFromBase64(a.rootHash)!, hashFromBase64(b.rootHash)!, decodeProofHashes(proof.hashes)!)).toBe(true);
    }
    expect((await get('/ledger/proofs/consistency?first=5&second=2')).json()).toMatchObject({ status: 422, code: 'invalid_range' });
  });

  it('lets only the operator run the database check', async () => {
    expect((await get('/ledger/checks/database')).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/ledger/checks/database', headers: bearer(await operatorToken(t.app)) });
    // The two key entries (key.created, key.rotated of the tree-head key) are rebuilt from the keys table.
    expect(res.json()).toMatchObject({ ok: true, entriesChecked: 19, bodiesChecked: 2, uncheckedByType: { test_thing: 16, test_document: 1 } });
  });

  it('audits over the routes and from an export file, and checks one entry\'s inclusion', async () => {
    await t.ctx.ledgerService.integrate();
    const online = await runAudit(httpSource('https://bank.test', inject, 5));
    expect(online.report).toMatchObject({ ok: true, entriesChecked: 19 });
    const file = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'export.ndjson');
    expect(await exportLedger(t.ctx.ledgerService, file)).toMatchObject({ entries: 19 });
    const offline = await runAudit(fileSource(file));
    expect(offline.report).toMatchObject({ ok: true, entriesChecked: 19, rootHash: online.report.rootHash });
    const included = await runInclusion('https://bank.test', { resourceType: 'test_document', resourceId: 'urn:uuid:cred-42' }, inject);
    expect(included.check.ok).toBe(true);
  });
});
