import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFINITION_SCHEMAS, RULE_KINDS } from '../../src/recognition/rules/rule-definition.js';
import { createInstitution } from '../helpers/factories.js';
import { schemaArbitrary, type Schema } from '../helpers/schema-arbitrary.js';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, item, post, worldApp, type World } from './service-fixtures.js';

/**
 * Any rule the service accepts must evaluate: a definition generated from its kind's own schema,
 * with real institutions, item codes, credit systems, frameworks and grading schemes in the fields
 * that name them, is either refused with a problem (4xx) or, once published, leaves the target's
 * preview working (200) for a learner whose record it may match. A rule that passed publication and
 * then threw in the engine would fail every preview at its target. FUZZ_RUNS / FUZZ_SEED widen or
 * replay a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

let t: TestApp;
let w: World;
const codes: string[] = [];

beforeAll(async () => {
  ({ t, w } = await worldApp());
  for (const spec of [{}, { kind: 'exam', level: 4 }, { kind: 'mooc', level: null, credits: '2.5' }, { creditSystemId: 'ects', credits: '6', level: 7 }]) {
    const it_ = await item(t, w.source, spec);
    codes.push(it_.code);
    await achieve(t.app, w.source, w.learner.id, it_.id, { result: '90', completedOn: '2024-01-15' });
  }
}, 120_000);
afterAll(async () => t?.close());

function pickFor(target: string) {
  const byName: Record<string, string[]> = {
    institutionId: [w.source.id, target], institutionIds: [w.source.id, target], code: codes,
    creditSystemId: ['cn-university', 'ects', 'hkqf'], frameworkId: ['gd-ltlqf', 'eqf', 'scqf', 'scqf'], schemeId: ['percentage', 'cn-five-grade', 'letter-af', 'pass-fail'],
    version: ['2017', '2012'],
    result: ['60', '85', 'A', '优', 'pass'], itemId: codes.map((c) => `${w.source.id}:${c}`), category: ['elective', 'core'],
  };
  return (name: string | undefined, schema: Schema): fc.Arbitrary<string> | undefined => {
    const real = name ? byName[name] ?? byName[name.replace(/s$/, '')] : undefined;
    if (real) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: schema.format === 'uuid' ? fc.uuid() : fc.string({ minLength: 1, maxLength: 8 }) });
    return undefined;
  };
}

it('every rule that is published leaves the preview at its target working', async () => {
  let published = 0;
  const target = await createInstitution(t.app, w.op);
  const pick = pickFor(target.id);
  const rules = fc.constantFrom(...RULE_KINDS).chain((kind) => schemaArbitrary(DEFINITION_SCHEMAS[kind] as unknown as Schema, { pick }).map((definition) => ({ kind, definition })));
  const result = await fc.check(fc.asyncProperty(rules, async ({ kind, definition }) => {
    // Each rule at a fresh target, so that one bad rule cannot hide behind, or be blamed for, another.
    const at = await createInstitution(t.app, w.op);
    const res = await post(t.app, '/rules', at.token, { type: kind, effectiveFrom: '2020-01-01', rationale: 'fuzz', evidence: [], definition: JSON.parse(JSON.stringify(definition).replaceAll(target.id, at.id)) });
    if (res.statusCode >= 500 || (res.statusCode >= 400 && !String(res.headers['content-type']).includes('problem+json'))) return false;
    if (res.statusCode !== 201) return true;
    published++;
    const own = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: at.id });
    const described = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: at.id, achievements: [
      { id: 'a', kind: 'exam', credits: '4', creditSystemId: 'cn-university', sourceInstitutionId: w.source.id, completedOn: '2024-01-01', result: '85' },
      { id: 'b', kind: 'course', credits: '6', creditSystemId: 'ects', sourceInstitutionId: w.source.id, completedOn: '2019-06-30', notionalHours: '150' },
    ] });
    return own.statusCode === 200 && described.statusCode === 200;
  }), { numRuns: RUNS, seed: SEED });
  expect(result.failed, result.failed ? `seed ${SEED}: ${JSON.stringify(result.counterexample)}` : '').toBe(false);
  // The generated definitions get past publication often enough to test the engine.
  if (process.env.FUZZ_REPORT) console.log('published', published, 'of', RUNS);
  expect(published).toBeGreaterThan(RUNS / 10);
}, 600_000);
