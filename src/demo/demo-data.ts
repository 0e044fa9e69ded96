import type { Institution, NewInstitution } from '../institutions/institutions.service.js';
import type { Learner, NewLearner } from '../learners/learners.service.js';

/** Fictional demo institutions (valid-format codes, no real organisation's data). */
export const DEMO_INSTITUTIONS: { key: string; input: NewInstitution }[] = [
  { key: 'open-university', input: { name: { zh: '岭南开放大学（演示）', en: 'Lingnan Open University (demo)' }, kind: 'open-university', country: 'CN', regionCode: '440106', uscc: '12440106MB00000018', slug: 'lingnan-open-university' } },
  { key: 'polytechnic', input: { name: { zh: '珠江职业技术学院（演示）', en: 'Pearl River Polytechnic (demo)' }, kind: 'vocational-college', country: 'CN', regionCode: '440303', uscc: '12440303MB0000002A', slug: 'pearl-river-polytechnic' } },
  { key: 'mooc', input: { name: { zh: '南粤慕课平台（演示）', en: 'Nanyue MOOC Platform (demo)' }, kind: 'mooc-platform', country: 'CN', regionCode: '440104', uscc: '91440104MA0000003A', slug: 'nanyue-mooc' } },
  { key: 'hk-college', input: { name: { zh: '維港學院（示範）', en: 'Harbour College (demo)' }, kind: 'university', country: 'HK', slug: 'harbour-college' } },
];

export const DEMO_LEARNERS: { key: string; input: NewLearner & { identity: { type: 'cn-resident'; number: string } } }[] = [
  { key: 'li-hua', input: { identity: { type: 'cn-resident', number: '44010619900307001X' }, name: '李华', nameLatin: 'Li Hua' } },
  { key: 'ji-yun', input: { identity: { type: 'cn-resident', number: '44030319951120002X' }, name: '𠮷云', nameLatin: 'Ji Yun' } },
];

export interface DemoState {
  institutions: Record<string, Institution>;
  learners: Record<string, Learner & { residentId: string }>;
  clients: Record<string, { clientId: string; secret: string }>;
}
