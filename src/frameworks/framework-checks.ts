import { Decimal } from 'decimal.js';
import { isValidResult, type GradingScheme } from './grading.js';
import type {
  CreditSystemsFile, FrameworkFile, GradeConversionEntry, GradeConversionsFile, GradingSchemeEntry,
  GradingSchemesFile, IscedFile, LevelMappingsFile, LevelRef,
} from './framework-schema.js';

// Checks the schema cannot express: contiguous levels, descriptors per domain, numeric ranges,
// nested codes, and references between files. Pure: it receives parsed files and reports the
// first fault through `fail`, which builds the error naming file and JSON pointer.

export type LoadedFile =
  | { file: string; kind: 'framework'; data: FrameworkFile }
  | { file: string; kind: 'credit-systems'; data: CreditSystemsFile }
  | { file: string; kind: 'level-mappings'; data: LevelMappingsFile }
  | { file: string; kind: 'grading-schemes'; data: GradingSchemesFile }
  | { file: string; kind: 'grade-conversions'; data: GradeConversionsFile }
  | { file: string; kind: 'isced-f'; data: IscedFile };

export type Fail = (file: string, path: string, detail: string) => Error;

function checkFramework(file: string, fw: FrameworkFile, fail: Fail): void {
  const domains = fw.domains.map((d) => d.id);
  domains.forEach((id, i) => {
    if (domains.indexOf(id) !== i) throw fail(file, `/domains/${i}/id`, `duplicate domain "${id}"`);
  });
  fw.levels.forEach((lv, i) => {
    if (lv.level !== i + 1) {
      throw fail(file, `/levels/${i}/level`, `expected ${i + 1}: levels must run 1..N in order with no gap or duplicate`);
    }
    for (const d of domains) {
      if (!(d in lv.descriptors)) throw fail(file, `/levels/${i}/descriptors/${d}`, 'required field missing (one descriptor per domain)');
    }
    for (const key of Object.keys(lv.descriptors)) {
      if (!domains.includes(key)) throw fail(file, `/levels/${i}/descriptors/${key}`, 'not a domain of this framework');
    }
  });
  if (fw.creditSystem === null && fw.creditNote === undefined) {
    throw fail(file, '/creditNote', 'required when creditSystem is null (say why there is none)');
  }
}

function checkCreditSystems(file: string, data: CreditSystemsFile, fail: Fail): void {
  data.creditSystems.forEach((cs, i) => {
    if (!cs.hoursPerCredit) return;
    const min = new Decimal(cs.hoursPerCredit.min);
    if (min.lte(0)) throw fail(file, `/creditSystems/${i}/hoursPerCredit/min`, 'must be > 0');
    if (min.gt(cs.hoursPerCredit.max)) throw fail(file, `/creditSystems/${i}/hoursPerCredit/max`, 'must be ≥ min');
  });
}

function checkGradingScheme(file: string, s: GradingSchemeEntry, at: string, fail: Fail): void {
  if (s.kind === 'numeric') {
    if (s.min === undefined || s.max === undefined) throw fail(file, `${at}/${s.min === undefined ? 'min' : 'max'}`, 'required for a numeric scheme');
    if (s.grades) throw fail(file, `${at}/grades`, 'not allowed in a numeric scheme');
    if (new Decimal(s.min).gt(s.max)) throw fail(file, `${at}/max`, 'must be ≥ min');
    if (s.pass !== undefined && (new Decimal(s.pass).lt(s.min) || new Decimal(s.pass).gt(s.max))) {
      throw fail(file, `${at}/pass`, 'must lie within min..max');
    }
    return;
  }
  if (!s.grades) throw fail(file, `${at}/grades`, 'required for an ordinal scheme');
  for (const key of ['min', 'max', 'pass'] as const) {
    if (s[key] !== undefined) throw fail(file, `${at}/${key}`, 'not allowed in an ordinal scheme');
  }
  const codes = s.grades.map((g) => g.code);
  codes.forEach((c, j) => {
    if (codes.indexOf(c) !== j) throw fail(file, `${at}/grades/${j}/code`, `duplicate grade "${c}"`);
  });
}

function checkIsced(file: string, isced: IscedFile, fail: Fail): void {
  const seen = new Set<string>();
  const claim = (code: string, path: string, parent: string) => {
    if (!code.startsWith(parent)) throw fail(file, path, `${code} is not inside field ${parent}`);
    if (seen.has(code)) throw fail(file, path, `duplicate code ${code}`);
    seen.add(code);
  };
  isced.broad.forEach((b, i) => {
    claim(b.code, `/broad/${i}/code`, '');
    b.narrow.forEach((n, j) => {
      claim(n.code, `/broad/${i}/narrow/${j}/code`, b.code);
      n.detailed.forEach((d, k) => claim(d.code, `/broad/${i}/narrow/${j}/detailed/${k}/code`, n.code));
    });
  });
}

function checkBands(file: string, t: GradeConversionEntry, at: string, from: GradingScheme, to: GradingScheme, fail: Fail): void {
  let previousMax: Decimal | undefined | null = null; // null: no band yet; undefined: open-ended band seen
  const grades = new Set<string>();
  t.bands.forEach((band, j) => {
    const p = `${at}/bands/${j}`;
    if (!isValidResult(to, band.to)) throw fail(file, `${p}/to`, `"${band.to}" is not a result of scheme ${to.id}`);
    if ('grade' in band.from) {
      if (!isValidResult(from, band.from.grade)) throw fail(file, `${p}/from/grade`, `not a result of scheme ${from.id}`);
      if (grades.has(band.from.grade)) throw fail(file, `${p}/from/grade`, 'grade already mapped');
      grades.add(band.from.grade);
      return;
    }
    if (from.kind !== 'numeric') throw fail(file, `${p}/from`, `scheme ${from.id} is ordinal: use {"grade": ...}`);
    if (!isValidResult(from, band.from.min)) throw fail(file, `${p}/from/min`, `outside scheme ${from.id}`);
    const max = band.from.max === undefined ? undefined : new Decimal(band.from.max);
    if (max && max.lte(band.from.min)) throw fail(file, `${p}/from/max`, 'must be > min');
    // Bands are listed in ascending order and half-open, so each must start at or after the last ended.
    if (previousMax === undefined || (previousMax && previousMax.gt(band.from.min))) {
      throw fail(file, `${p}/from/min`, 'overlaps the previous band (list bands in ascending order)');
    }
    previousMax = max;
  });
}

function refKey(r: { framework: string; version: string }): string {
  return `${r.framework}@${r.version}`;
}

function unique(items: { file: string; path: string; key: string }[], what: string, fail: Fail): void {
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.key)) throw fail(it.file, it.path, `duplicate ${what} "${it.key}"`);
    seen.add(it.key);
  }
}

/** Validates everything beyond shape; throws the error `fail` builds for the first fault found. */
export function checkFrameworkData(files: LoadedFile[], fail: Fail): void {
  const frameworks = new Map<string, FrameworkFile>();
  const credit = new Set<string>();
  const schemes = new Map<string, GradingScheme>();
  const ids: Record<string, { file: string; path: string; key: string }[]> = { framework: [], 'credit system': [], 'grading scheme': [], 'conversion table': [] };
  for (const f of files) {
    if (f.kind === 'framework') {
      checkFramework(f.file, f.data, fail);
      ids.framework!.push({ file: f.file, path: '/id', key: refKey({ framework: f.data.id, version: f.data.version }) });
      frameworks.set(refKey({ framework: f.data.id, version: f.data.version }), f.data);
    } else if (f.kind === 'credit-systems') {
      checkCreditSystems(f.file, f.data, fail);
      f.data.creditSystems.forEach((c, i) => { ids['credit system']!.push({ file: f.file, path: `/creditSystems/${i}/id`, key: c.id }); credit.add(c.id); });
    } else if (f.kind === 'grading-schemes') {
      f.data.gradingSchemes.forEach((s, i) => {
        checkGradingScheme(f.file, s, `/gradingSchemes/${i}`, fail);
        ids['grading scheme']!.push({ file: f.file, path: `/gradingSchemes/${i}/id`, key: s.id });
        schemes.set(s.id, s);
      });
    } else if (f.kind === 'isced-f') checkIsced(f.file, f.data, fail);
  }
  for (const [what, list] of Object.entries(ids)) unique(list, what, fail);
  checkReferences(files, { frameworks, credit, schemes, ids: ids['conversion table']! }, fail);
}

interface Known {
  frameworks: Map<string, FrameworkFile>;
  credit: Set<string>;
  schemes: Map<string, GradingScheme>;
  ids: { file: string; path: string; key: string }[];
}

function checkLevelRef(file: string, path: string, ref: LevelRef, known: Known, fail: Fail): void {
  const fw = known.frameworks.get(refKey(ref));
  if (!fw) throw fail(file, `${path}/framework`, `unknown framework ${ref.framework} version ${ref.version}`);
  if (ref.level > fw.levels.length) throw fail(file, `${path}/level`, `${ref.framework} has no level ${ref.level}`);
}

function checkReferences(files: LoadedFile[], known: Known, fail: Fail): void {
  const frameworkIds = new Set([...known.frameworks.values()].map((f) => f.id));
  for (const f of files) {
    if (f.kind === 'framework' && f.data.creditSystem !== null && !known.credit.has(f.data.creditSystem)) {
      throw fail(f.file, '/creditSystem', `unknown credit system "${f.data.creditSystem}"`);
    }
    if (f.kind === 'level-mappings') {
      f.data.mappings.forEach((m, i) => {
        checkLevelRef(f.file, `/mappings/${i}/from`, m.from, known, fail);
        checkLevelRef(f.file, `/mappings/${i}/to`, m.to, known, fail);
        if (m.from.framework === m.to.framework) throw fail(f.file, `/mappings/${i}/to/framework`, 'maps a framework onto itself');
      });
      f.data.studies.forEach((s, i) => s.frameworks.forEach((id, j) => {
        if (!frameworkIds.has(id)) throw fail(f.file, `/studies/${i}/frameworks/${j}`, `unknown framework "${id}"`);
      }));
    }
    if (f.kind === 'grade-conversions') {
      f.data.gradeConversions.forEach((t, i) => {
        const at = `/gradeConversions/${i}`;
        known.ids.push({ file: f.file, path: `${at}/id`, key: t.id });
        const from = known.schemes.get(t.from);
        const to = known.schemes.get(t.to);
        if (!from) throw fail(f.file, `${at}/from`, `unknown grading scheme "${t.from}"`);
        if (!to) throw fail(f.file, `${at}/to`, `unknown grading scheme "${t.to}"`);
        checkBands(f.file, t, at, from, to, fail);
      });
    }
  }
  unique(known.ids, 'conversion table', fail);
}
