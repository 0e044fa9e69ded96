import type { EngineAchievement, EquivalencyRule, Rule } from './types.js';

type PatternRule = Exclude<Rule, EquivalencyRule>;

/** One target institution's rules, bucketed by the raw ids an achievement carries. */
interface TargetBuckets {
  forward: Map<string, EquivalencyRule[]>; // source item id
  reverse: Map<string, EquivalencyRule[]>; // target item id, for rules read back at their source
  // A pattern rule is filed under its most selective criterion only (see patternKeys).
  pattern: { any: PatternRule[]; inst: Map<string, PatternRule[]>; plat: Map<string, PatternRule[]>; kind: Map<string, PatternRule[]> };
}

/**
 * Published rules bucketed so that one achievement touches only the rules that could apply.
 * Nested by target institution so that look-ups use the achievement's own ids as keys and build
 * no strings (they ran for every achievement of every evaluation).
 */
export interface RuleIndex {
  readonly byTarget: Map<string, TargetBuckets>;
  readonly size: number;
  /** Rule ids indexed in more than one version: only their versions can supersede one another. */
  readonly versioned: ReadonlySet<string>;
  /**
   * Each rule's place in canonical order (rule id, then version, as in candidate keys): candidates
   * are put in key order by these numbers instead of by comparing key strings (see buildCandidates).
   */
  readonly rank: ReadonlyMap<Rule, number>;
}

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
function fileByPattern(at: TargetBuckets, rule: PatternRule): void {
  const p = rule.pattern;
  if (p.institutionIds?.length) for (const i of new Set(p.institutionIds)) push(at.pattern.inst, i, rule);
  else if (p.platforms?.length) for (const pl of new Set(p.platforms)) push(at.pattern.plat, pl, rule);
  else if (p.kinds?.length) for (const k of new Set(p.kinds)) push(at.pattern.kind, k, rule);
  else at.pattern.any.push(rule);
}

function bucketsOf(index: Map<string, TargetBuckets>, institutionId: string): TargetBuckets {
  let b = index.get(institutionId);
  if (!b) {
    const pattern = { any: [], inst: new Map(), plat: new Map(), kind: new Map() };
    index.set(institutionId, (b = { forward: new Map(), reverse: new Map(), pattern }));
  }
  return b;
}

// Versions as they appear in candidate keys; the common ones are formatted once per process.
const PADDED = Array.from({ length: 1000 }, (_, v) => String(v).padStart(6, '0'));
const paddedVersion = (version: number): string => PADDED[version] ?? String(version).padStart(6, '0');

/** The start of a candidate's key that its rule decides: candidates of different rules compare as these do. */
export const ruleKeyPrefix = (rule: { id: string; version: number }): string => `${rule.id}|${paddedVersion(rule.version)}|`;

/**
 * Rules numbered in key order. The service reads rules ordered by id and version, which is that
 * order already (uuids compare as their text does), so usually one pass checks it and no sort runs.
 */
function ranksOf(rules: readonly Rule[]): Map<Rule, number> {
  const keys: string[] = [];
  let sorted = true;
  for (const rule of rules) {
    const k = ruleKeyPrefix(rule);
    if (sorted && keys.length > 0 && keys[keys.length - 1]! > k) sorted = false;
    keys.push(k);
  }
  const order: number[] = [];
  for (let i = 0; i < rules.length; i++) order.push(i);
  // Stable: a rule given twice (same id and version) keeps its input order, as equal keys did.
  if (!sorted) order.sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : 0));
  const rank = new Map<Rule, number>();
  order.forEach((i, r) => { if (!rank.has(rules[i]!)) rank.set(rules[i]!, r); });
  return rank;
}

/** Builds the index once per rule set; evaluation then costs a few map look-ups per achievement. */
export function indexRules(rules: readonly Rule[]): RuleIndex {
  const byTarget = new Map<string, TargetBuckets>();
  const seen = new Set<string>();
  const versioned = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) versioned.add(rule.id);
    else seen.add(rule.id);
    if (rule.type === 'equivalency') {
      const at = bucketsOf(byTarget, rule.targetInstitutionId);
      for (const id of new Set(rule.sources.map((s) => s.itemId))) push(at.forward, id, rule);
      const back = reverseInstitution(rule);
      if (back !== undefined) {
        const there = bucketsOf(byTarget, back);
        for (const id of new Set(rule.targets.map((t) => t.itemId))) push(there.reverse, id, rule);
      }
    } else {
      fileByPattern(bucketsOf(byTarget, rule.targetInstitutionId), rule);
    }
  }
  return { byTarget, size: rules.length, versioned, rank: ranksOf(rules) };
}

export interface RuleHits {
  forward: readonly EquivalencyRule[];
  reverse: readonly EquivalencyRule[];
  /** Pattern rules in four lists (any, institution, kind, platform bucket): no concatenation per achievement. */
  pattern: readonly (readonly PatternRule[])[];
}

const EMPTY: never[] = [];
const NO_HITS: RuleHits = { forward: EMPTY, reverse: EMPTY, pattern: EMPTY };

/** Rules of the index that might apply to this achievement at this target (criteria unchecked). */
export function lookupRules(index: RuleIndex, targetInstitutionId: string, a: EngineAchievement): RuleHits {
  const at = index.byTarget.get(targetInstitutionId);
  if (!at) return NO_HITS;
  const item = a.catalogueItemId;
  const p = at.pattern;
  // A pattern rule is filed under one criterion only (fileByPattern), so the lists never share a rule.
  return {
    forward: item === null ? EMPTY : (at.forward.get(item) ?? EMPTY),
    reverse: item === null ? EMPTY : (at.reverse.get(item) ?? EMPTY),
    pattern: [p.any, p.inst.get(a.sourceInstitutionId) ?? EMPTY, p.kind.get(a.kind) ?? EMPTY, a.platform === null ? EMPTY : p.plat.get(a.platform) ?? EMPTY],
  };
}
