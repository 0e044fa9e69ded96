import type { EngineAchievement, EquivalencyRule, Rule } from './types.js';

type PatternRule = Exclude<Rule, EquivalencyRule>;

/** Published rules bucketed so that one achievement touches only the rules that could apply. */
export interface RuleIndex {
  readonly forward: Map<string, EquivalencyRule[]>; // target inst | source item id
  readonly reverse: Map<string, EquivalencyRule[]>; // source-side inst | target item id
  readonly pattern: Map<string, PatternRule[]>; // target inst | most selective pattern key
  readonly size: number;
}

const key = (institutionId: string, k: string): string => `${institutionId}|${k}`;

function push<T>(map: Map<string, T[]>, k: string, value: T): void {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}

/** The single side institution a bidirectional rule can be read back into, if any. */
export function reverseInstitution(rule: EquivalencyRule): string | undefined {
  const first = rule.sources[0]?.institutionId;
  return rule.bidirectional && first !== undefined && rule.sources.every((s) => s.institutionId === first)
    ? first
    : undefined;
}

// A pattern ANDs its criteria, so filing it under one criterion's values is enough: the most
// selective present one (institutions, then platforms, then kinds) keeps buckets small.
function patternKeys(rule: PatternRule): string[] {
  const p = rule.pattern;
  if (p.institutionIds?.length) return p.institutionIds.map((i) => `inst:${i}`);
  if (p.platforms?.length) return p.platforms.map((pl) => `plat:${pl}`);
  if (p.kinds?.length) return p.kinds.map((k) => `kind:${k}`);
  return ['any'];
}

/** Builds the index once per rule set; evaluation then costs a few map look-ups per achievement. */
export function indexRules(rules: readonly Rule[]): RuleIndex {
  const forward = new Map<string, EquivalencyRule[]>();
  const reverse = new Map<string, EquivalencyRule[]>();
  const pattern = new Map<string, PatternRule[]>();
  for (const rule of rules) {
    if (rule.type === 'equivalency') {
      for (const id of new Set(rule.sources.map((s) => s.itemId))) {
        push(forward, key(rule.targetInstitutionId, id), rule);
      }
      const back = reverseInstitution(rule);
      if (back !== undefined) {
        for (const id of new Set(rule.targets.map((t) => t.itemId))) push(reverse, key(back, id), rule);
      }
    } else {
      for (const k of new Set(patternKeys(rule))) push(pattern, key(rule.targetInstitutionId, k), rule);
    }
  }
  return { forward, reverse, pattern, size: rules.length };
}

export interface RuleHits {
  forward: EquivalencyRule[];
  reverse: EquivalencyRule[];
  pattern: PatternRule[];
}

const EMPTY: never[] = [];

/** Rules of the index that might apply to this achievement at this target (criteria unchecked). */
export function lookupRules(index: RuleIndex, targetInstitutionId: string, a: EngineAchievement): RuleHits {
  const item = a.catalogueItemId;
  const pattern: PatternRule[] = [];
  const keys = ['any', `inst:${a.sourceInstitutionId}`, `kind:${a.kind}`];
  if (a.platform !== null) keys.push(`plat:${a.platform}`);
  for (const k of keys) {
    const hit = index.pattern.get(key(targetInstitutionId, k));
    if (hit) pattern.push(...hit);
  }
  return {
    forward: item === null ? EMPTY : (index.forward.get(key(targetInstitutionId, item)) ?? EMPTY),
    reverse: item === null ? EMPTY : (index.reverse.get(key(targetInstitutionId, item)) ?? EMPTY),
    pattern,
  };
}
