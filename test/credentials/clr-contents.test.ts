import { describe, expect, it } from 'vitest';
import type { CatalogueItem } from '../../src/catalogue/catalogue.types.js';
import { credentialedPartOf, microMajorCredentials, partOfAssociations, planCredentials, selectAchievements, uncredentialedMicroMajors } from '../../src/credentials/issuance/clr-contents.js';
import type { CredentialRow } from '../../src/credentials/issuance/credentials.repository.js';
import type { MicroMajorProgress } from '../../src/records/micro-majors.js';
import type { Achievement } from '../../src/records/records.types.js';

const item = (id: string, kind = 'course') => ({ id, kind }) as unknown as CatalogueItem;
const achievement = (id: string, itemId: string | null, status: 'active' | 'revoked' = 'active') =>
  ({ id, status, current: { catalogueItemId: itemId } }) as unknown as Achievement;
const row = (over: Partial<CredentialRow>): CredentialRow => ({
  id: `c-${Math.random()}`, issuance_key: 'achievement:a1', status: 'active', format: 'eddsa-rdfc-2022', kind: 'course',
  document: { credentialSubject: { achievement: { id: 'https://bank.test/catalogue/i1' } } }, jwt: null, source_ids: ['a1'], ...over,
}) as CredentialRow;

const items = new Map([['i1', item('i1')], ['i2', item('i2')], ['mm', item('mm', 'micro-major')]]);
const record = [achievement('a1', 'i1'), achievement('a2', 'i2'), achievement('a3', null), achievement('a4', 'i1', 'revoked'), achievement('a5', 'mm')];

describe('which achievements a CLR covers', () => {
  it('the whole record: every live catalogue achievement, partial when learning outside the catalogue or a micro-major deposit stays out', () => {
    const s = selectAchievements(record, items);
    expect(s.chosen.map((c) => c.achievement.id)).toEqual(['a1', 'a2']);
    expect(s.leftOut).toBe(true);
    expect(selectAchievements(record.slice(0, 2), items).leftOut).toBe(false);
  });

  it('chosen ones keep the caller\'s order; each bad one is named by its index', () => {
    expect(selectAchievements(record, items, ['a2', 'a1']).chosen.map((c) => c.achievement.id)).toEqual(['a2', 'a1']);
    const fail = (ids: string[]) => { try { selectAchievements(record, items, ids); } catch (e) { return e as { code: string; statusCode: number; errors: { pointer: string }[] }; } throw new Error('accepted'); };
    expect(fail(['a1', 'zz'])).toMatchObject({ statusCode: 422, code: 'achievement_not_found', errors: [{ pointer: '/body/achievementIds/1' }] });
    expect(fail(['a4'])).toMatchObject({ statusCode: 409, code: 'achievement_revoked' });
    expect(fail(['a3'])).toMatchObject({ statusCode: 422, code: 'not_a_catalogue_achievement' });
    expect(fail(['a5'])).toMatchObject({ statusCode: 422, code: 'use_micro_major_id' });
  });

  it('nothing live, or nothing credentialable, is a 422 with its own code', () => {
    expect(() => selectAchievements([achievement('a4', 'i1', 'revoked')], items)).toThrow(expect.objectContaining({ code: 'no_live_achievements' }));
    expect(() => selectAchievements([achievement('a3', null)], items)).toThrow(expect.objectContaining({ code: 'no_credentialable_achievements' }));
  });
});

describe('which credentials are reused, issued or blocked', () => {
  const chosen = selectAchievements(record.slice(0, 2), items).chosen;

  it('reuses an active Data Integrity credential, the one in the wanted format first', () => {
    const jcs = row({ format: 'eddsa-jcs-2022' });
    const rdfc = row({ format: 'eddsa-rdfc-2022' });
    expect(planCredentials(chosen, [jcs, rdfc], 'eddsa-rdfc-2022').reuse.get('a1')).toBe(rdfc);
    expect(planCredentials(chosen, [jcs], 'eddsa-rdfc-2022').reuse.get('a1')).toBe(jcs);
  });

  it('issues where only a JWT exists (a CLR embeds objects), or nothing', () => {
    const plan = planCredentials(chosen, [row({ format: 'vc+jwt', document: null, jwt: 'x.y.z' })], 'eddsa-rdfc-2022');
    expect(plan.issue.map((c) => c.achievement.id)).toEqual(['a1', 'a2']);
    expect(plan.reuse.size).toBe(0);
  });

  it('blocks an achievement whose only credentials were revoked or suspended, in any format', () => {
    const plan = planCredentials(chosen, [row({ status: 'suspended', format: 'vc+jwt', document: null })], 'eddsa-rdfc-2022');
    expect(plan.blocked.map((c) => c.achievement.id)).toEqual(['a1']);
    expect(plan.issue.map((c) => c.achievement.id)).toEqual(['a2']);
  });
});

describe('micro-majors and associations', () => {
  const mm = (over: Partial<CredentialRow>) => row({ kind: 'micro-major', issuance_key: 'micro-major:x', source_ids: ['a1', 'a2'],
    document: { credentialSubject: { achievement: { id: 'https://bank.test/catalogue/mm' } } }, ...over });

  it('come along only when every counted component is bundled, active, one per micro-major', () => {
    const rdfc = mm({});
    const jcs = mm({ format: 'eddsa-jcs-2022' });
    expect(microMajorCredentials([jcs, rdfc], new Set(['a1', 'a2']), 'eddsa-rdfc-2022')).toEqual([rdfc]);
    expect(microMajorCredentials([rdfc], new Set(['a1']), 'eddsa-rdfc-2022')).toEqual([]);
    expect(microMajorCredentials([mm({ status: 'revoked' })], new Set(['a1', 'a2']), 'eddsa-rdfc-2022')).toEqual([]);
  });

  it('each bundled component isPartOf the micro-major, by Achievement id, without duplicates', () => {
    const a1 = row({});
    const a2 = row({ source_ids: ['a2'] }); // the same catalogue item taken twice: one association
    const out = partOfAssociations(new Map([['a1', a1], ['a2', a2]]), credentialedPartOf([mm({})]));
    expect(out).toEqual([{ associationType: 'isPartOf', sourceId: 'https://bank.test/catalogue/i1', targetId: 'https://bank.test/catalogue/mm' }]);
  });

  it('a micro-major in progress, or complete but not bundled as a credential, is listed with the bundled components that count', () => {
    const progress = (code: string, done: (string | null)[]) => ({
      microMajor: { id: `item-${code}`, institutionId: 'inst', code }, done: done.map((achievementId) => ({ achievementId })),
    }) as unknown as MicroMajorProgress;
    const open = uncredentialedMicroMajors([progress('MM1', ['a1', 'a9']), progress('MM2', ['a2']), progress('MM3', ['a9', null])],
      new Set(['a1', 'a2']), new Set(['micro-major:inst:MM2']));
    expect(open).toEqual([{ itemId: 'item-MM1', institutionId: 'inst', componentIds: ['a1'] }]);
  });
});
