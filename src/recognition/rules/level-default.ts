import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { FrameworkFile } from '../../frameworks/framework-schema.js';
import type { ConditionsDef, RuleItemDef, RuleKind } from './rule-definition.js';

/** A level as a rule definition stores it. */
export interface StoredLevel { frameworkId: string; version?: string; level: number }

/** Why no single level can be derived: the named items sit in different frameworks or versions. */
export interface Ambiguous { ambiguous: string[] }

type SideLevel = StoredLevel | undefined | Ambiguous;

const isAmbiguous = (x: SideLevel): x is Ambiguous => x !== undefined && 'ambiguous' in x;

/**
 * The level a side of a rule stands at: the highest level of the catalogue item versions it names
 * (every version when the rule names none), so that a source must reach the most demanding one.
 * Undefined when none of them carries a level; ambiguous when they are in different frameworks.
 */
export function sideLevel(side: RuleItemDef[], items: CatalogueItem[]): SideLevel {
  const levels = side.flatMap((s) => items.filter((i) => i.institutionId === s.institutionId && i.code === s.code
    && (s.version === undefined || i.version === s.version) && i.level !== null).map((i) => i.level!));
  const frameworks = [...new Set(levels.map((l) => `${l.frameworkId} ${l.frameworkVersion}`))];
  if (frameworks.length > 1) return { ambiguous: frameworks.sort() };
  if (levels.length === 0) return undefined;
  return { frameworkId: levels[0]!.frameworkId, version: levels[0]!.frameworkVersion, level: Math.max(...levels.map((l) => l.level)) };
}

export interface LevelDefaults {
  /** Where the level constraint is read from, and the problem to raise when it is ambiguous. */
  targetLevel?: StoredLevel;
  reverseTargetLevel?: StoredLevel;
  ambiguous?: { field: 'targetLevel' | 'reverseTargetLevel'; frameworks: string[] };
}

/**
 * The level constraint a rule gets when its publisher did not state one: the target side's level
 * (target items, else the programme's level, else none: block credit with no target item), and for
 * a bidirectional equivalency also the source side's level for reading it back. `allowLowerLevel`
 * is the explicit opt-out; a stated level is kept as stated.
 */
export function levelDefaults(kind: RuleKind, def: Record<string, unknown>, items: CatalogueItem[], programmeLevel: StoredLevel | undefined): LevelDefaults {
  const c = (def.conditions ?? {}) as ConditionsDef;
  if (kind === 'caps' || c.allowLowerLevel === true) return {};
  const targets = kind === 'equivalency' ? (def.targets as RuleItemDef[]) : def.targetItem ? [def.targetItem as RuleItemDef] : [];
  const out: LevelDefaults = {};
  if (c.targetLevel === undefined) {
    const side = sideLevel(targets, items);
    if (isAmbiguous(side)) return { ambiguous: { field: 'targetLevel', frameworks: side.ambiguous } };
    const level = side ?? programmeLevel;
    if (level) out.targetLevel = level;
  }
  if (kind === 'equivalency' && def.bidirectional === true && c.reverseTargetLevel === undefined) {
    const side = sideLevel(def.sources as RuleItemDef[], items);
    if (isAmbiguous(side)) return { ambiguous: { field: 'reverseTargetLevel', frameworks: side.ambiguous } };
    if (side) out.reverseTargetLevel = side;
  }
  return out;
}

/** The definition with the derived levels written into its conditions (a new object). */
export function withLevels(def: Record<string, unknown>, d: LevelDefaults): Record<string, unknown> {
  if (!d.targetLevel && !d.reverseTargetLevel) return def;
  const conditions = { ...((def.conditions ?? {}) as ConditionsDef) };
  if (d.targetLevel) conditions.targetLevel = d.targetLevel;
  if (d.reverseTargetLevel) conditions.reverseTargetLevel = d.reverseTargetLevel;
  return { ...def, conditions };
}

/**
 * A programme's level as a rule stores it: only when the framework is loaded here and the level is
 * one of its numbered levels (documents may name levels such as '本科' that no framework numbers).
 * The version is named when exactly one version of the framework is loaded.
 */
export function programmeLevel(named: { framework: string; level: string } | undefined, frameworks: FrameworkFile[]): StoredLevel | undefined {
  if (!named || !/^\d{1,2}$/.test(named.level)) return undefined;
  const level = Number(named.level);
  const versions = frameworks.filter((f) => f.id === named.framework && level <= f.levels.length);
  if (versions.length === 0) return undefined;
  return { frameworkId: named.framework, ...(versions.length === 1 ? { version: versions[0]!.version } : {}), level };
}

/** The first stated level that names no loaded framework (version) or a level it does not have. */
export function unknownLevel(def: Record<string, unknown>, frameworks: FrameworkFile[]): { pointer: string; level: StoredLevel } | undefined {
  const c = (def.conditions ?? {}) as ConditionsDef;
  const stated: [string, StoredLevel | undefined][] = [
    ['/body/definition/conditions/targetLevel', c.targetLevel], ['/body/definition/conditions/reverseTargetLevel', c.reverseTargetLevel],
    ['/body/definition/pattern/minLevel', (def.pattern as { minLevel?: StoredLevel } | undefined)?.minLevel],
  ];
  for (const [pointer, level] of stated) {
    if (level && !frameworks.some((f) => f.id === level.frameworkId && (level.version === undefined || f.version === level.version) && level.level <= f.levels.length)) {
      return { pointer, level };
    }
  }
  return undefined;
}
