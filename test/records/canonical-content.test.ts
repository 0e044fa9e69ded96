import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/ledger/merkle/ledger-entry.js';
import { canonicalContentWithLearner, canonicalEventBody } from '../../src/records/canonical-content.js';
import type { AchievementContent } from '../../src/records/records.types.js';

const text = fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { nil: null });
const learning = fc.record({
  source: fc.constantFrom('verified-certificate', 'work-based', 'rpl'),
  title: fc.record({ zh: fc.string({ unit: 'binary' }), en: fc.string() }, { requiredKeys: [] }),
  level: fc.record({ frameworkId: fc.string(), frameworkVersion: fc.string(), level: fc.integer({ min: -5, max: 99 }) }),
  provenance: fc.record({ issuer: fc.string(), method: fc.string(), reference: fc.string(), verifiedOn: fc.string() }, { requiredKeys: ['issuer', 'method'] }),
  iscedCode: fc.string(), creditSystemId: fc.string(), gradingSchemeId: fc.string(),
}, { requiredKeys: ['source', 'title', 'provenance'] });
const content: fc.Arbitrary<AchievementContent> = fc.record({
  catalogueItemId: fc.option(fc.uuid(), { nil: null }), learning: fc.option(learning, { nil: null }) as fc.Arbitrary<AchievementContent['learning']>,
  result: text, credits: fc.option(fc.constantFrom('0', '7.5', '12', '0.25'), { nil: null }), creditSystemId: text,
  completedOn: fc.constant('2024-06-30'), term: text, assessmentMode: text,
  evidence: fc.option(fc.record({ url: fc.webUrl(), sha256: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }) }), { nil: null }),
});

describe('fast canonical JSON of achievement content', () => {
  it('is the RFC 8785 text of the content hash input, for any content', () => {
    fc.assert(fc.property(fc.uuid(), content, (learnerId, c) => {
      expect(canonicalContentWithLearner(learnerId, c)).toBe(canonicalJson({ learnerId, ...c }));
    }), { numRuns: 300 });
  });

  it('is the RFC 8785 text of a version event body, for any content or a revocation', () => {
    const body = fc.record({
      type: fc.constantFrom('achievement.deposited', 'achievement.revoked'), learnerId: fc.uuid(), achievementId: fc.uuid(),
      version: fc.integer({ min: 1, max: 9 }), supersedes: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
      content: fc.option(content, { nil: null }), reason: text, actor: fc.string(), recordedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    });
    fc.assert(fc.property(body, (b) => {
      expect(canonicalEventBody(b)).toBe(canonicalJson(b));
    }), { numRuns: 300 });
  });
});
