import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { DemoState } from '../demo/demo-data.js';
import type { CatalogueItemInput } from './catalogue.schemas.js';

const gd = (level: number) => ({ frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level });
const cn = (credits: string, hours: string) => ({ creditSystemId: 'cn-university', credits, notionalHours: hours });
const FROM = '2023-09-01';

const course = (code: string, zh: string, en: string, isced: string, extra: Partial<CatalogueItemInput> = {}): CatalogueItemInput => ({
  code, kind: 'course', title: { zh, en }, level: gd(5), ...cn('3', '108'), iscedCode: isced, gradingSchemeId: 'percentage',
  language: 'zh-CN', mode: 'blended', effectiveFrom: FROM, outcomes: [{ zh: `掌握${zh}的基本概念与方法`, en: `Applies the core concepts and methods of ${en}` }], ...extra,
});

/** Fictional demo catalogues, keyed by demo institution: courses, a micro-major, a MOOC, a certificate, an exam, a programme. */
export const DEMO_CATALOGUE: Record<string, CatalogueItemInput[]> = {
  'open-university': [
    course('ACC101', '基础会计学', 'Principles of Accounting', '0411'),
    course('ACC210', '财务管理', 'Financial Management', '0411'),
    course('DAT120', 'Python程序设计', 'Programming in Python', '0613', { mode: 'online' }),
    course('DAT230', '数据库应用', 'Database Applications', '0612'),
    course('MGT101', '管理学基础', 'Fundamentals of Management', '0413', { gradingSchemeId: 'cn-five-grade' }),
    {
      code: 'MM-DFA', kind: 'micro-major', title: { zh: '数字财会微专业', en: 'Digital Finance and Accounting (micro-major)' }, level: gd(5),
      ...cn('9', '324'), iscedCode: '0411', gradingSchemeId: 'pass-fail', language: 'zh-CN', mode: 'blended', effectiveFrom: FROM,
      components: ['ACC101', 'ACC210', 'DAT120', 'DAT230'], completionRule: { type: 'n-of', n: 3 },
      outcomes: [{ zh: '能用数据工具完成基础财会分析', en: 'Performs basic accounting analysis with data tools' }],
    },
    {
      code: 'P-BA-AD', kind: 'qualification', title: { zh: '工商企业管理（专科）', en: 'Business Administration (associate degree)' }, level: gd(5),
      ...cn('76', '2736'), iscedCode: '0413', gradingSchemeId: 'pass-fail', language: 'zh-CN', mode: 'blended', effectiveFrom: FROM,
    },
  ],
  polytechnic: [
    course('LOG110', '快递运营管理', 'Express Delivery Operations', '1041', { level: gd(4), ...cn('2', '64'), mode: 'offline' }),
    course('LOG120', '物流信息技术', 'Logistics Information Technology', '1041', { level: gd(4), ...cn('2', '64') }),
    {
      code: 'CERT-KDY', kind: 'certificate', title: { zh: '快递员（职业技能等级证书）', en: 'Postal delivery clerk (vocational skills certificate)' },
      level: gd(2), ...cn('4', '120'), iscedCode: '1041', gradingSchemeId: 'pass-fail', language: 'zh-CN', mode: 'offline', effectiveFrom: FROM,
    },
    {
      code: 'EX-LOG-1X', kind: 'exam', title: { zh: '物流管理职业技能等级考试（初级）', en: 'Logistics management skills exam (elementary)' },
      level: gd(3), iscedCode: '1041', gradingSchemeId: 'percentage', language: 'zh-CN', mode: 'offline', effectiveFrom: FROM,
    },
  ],
  mooc: [
    course('MOOC-AI01', '人工智能导论', 'Introduction to Artificial Intelligence', '0613', { kind: 'mooc', platform: '南粤慕课 Nanyue MOOC', ...cn('2', '64'), mode: 'online' }),
    course('MOOC-EN02', '学术英语写作', 'Academic English Writing', '0231', { kind: 'mooc', platform: '南粤慕课 Nanyue MOOC', ...cn('2', '64'), mode: 'online', language: 'en' }),
  ],
  'hk-college': [
    {
      code: 'BUS2001', kind: 'course', title: { zh: '商業溝通', en: 'Business Communication' }, level: { frameworkId: 'hkqf', frameworkVersion: '2018', level: 4 },
      creditSystemId: 'hkqf', credits: '10', notionalHours: '100', iscedCode: '0413', gradingSchemeId: 'letter-af', language: 'en', mode: 'offline', effectiveFrom: FROM,
    },
  ],
};

/** Publishes the demo catalogue through the same service as the API (runs before the records seed). */
export async function seedCatalogue(ctx: AppContext, state: DemoState, actor: Actor): Promise<string[]> {
  let n = 0;
  for (const [key, items] of Object.entries(DEMO_CATALOGUE)) {
    const institution = state.institutions[key];
    if (!institution) continue;
    for (const input of items) {
      await ctx.catalogue.publish(institution.id, input, actor);
      n += 1;
    }
  }
  return [`  catalogue: ${n} items (try GET /catalogue?q=会计 or GET /catalogue?kind=micro-major)`];
}
