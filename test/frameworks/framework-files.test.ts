import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { convertCredits } from '../../src/frameworks/credit-arithmetic.js';
import { FrameworkFileError, loadFrameworkFiles, toCreditSystem } from '../../src/frameworks/framework-files.js';
import { convertGrade, isPassing } from '../../src/frameworks/grading.js';

const SHIPPED = 'frameworks';
const temps: string[] = [];
afterEach(() => { for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A temp copy of the shipped data with one file edited by `edit`. */
function withEdit(file: string, edit: (json: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'frameworks-'));
  temps.push(dir);
  for (const name of readdirSync(SHIPPED).filter((n) => n.endsWith('.json'))) copyFileSync(join(SHIPPED, name), join(dir, name));
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  edit(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
  return dir;
}

function loadError(dir: string): FrameworkFileError {
  try { loadFrameworkFiles(dir); } catch (e) { if (e instanceof FrameworkFileError) return e; throw e; }
  throw new Error('expected the load to fail');
}

describe('shipped framework files', () => {
  const data = loadFrameworkFiles();

  it('holds the five frameworks with their published number of levels', () => {
    const levels = Object.fromEntries(data.frameworks.map((f) => [f.id, f.levels.length]));
    expect(levels).toEqual({ eqf: 8, hkqf: 7, 'gd-ltlqf': 7, aqf: 10, scqf: 12 });
  });

  it('gives every level one non-empty descriptor per domain of its framework', () => {
    for (const fw of data.frameworks) {
      for (const lv of fw.levels) expect(Object.keys(lv.descriptors).sort()).toEqual(fw.domains.map((d) => d.id).sort());
    }
  });

  it('lists ISCED-F 2013 with 11 broad, 29 narrow and 80 detailed fields besides inter-disciplinary and unknown', () => {
    const [isced] = data.isced;
    const broad = isced!.broad.filter((b) => b.code !== '99');
    const narrow = broad.flatMap((b) => b.narrow).filter((n) => !n.code.endsWith('8'));
    const detailed = narrow.flatMap((n) => n.detailed);
    expect([broad.length, narrow.length, detailed.length]).toEqual([11, 29, 80]);
    expect(detailed.find((d) => d.code === '0613')?.name.en).toBe('Software and applications development and analysis');
  });

  it('converts ECTS to HKQF credit through the shipped credit systems, and refuses ECVET which has no hours', () => {
    const byId = (id: string) => data.creditSystems.find((c) => c.id === id)!;
    const r = convertCredits('7.5', toCreditSystem(byId('ects')), toCreditSystem(byId('hkqf')));
    expect(r.credits.toString()).toBe('18.5');
    expect(() => toCreditSystem(byId('ecvet'))).toThrow(/no hours per credit/);
  });

  it('converts grades through the shipped example tables', () => {
    const scheme = (id: string) => data.gradingSchemes.find((s) => s.id === id)!;
    const table = (id: string) => data.gradeConversions.find((t) => t.id === id)!;
    expect(convertGrade(table('example-percentage-to-ects'), scheme('percentage'), '59.5')).toBe('FX');
    expect(convertGrade(table('example-percentage-to-cn-five-grade'), scheme('percentage'), '100')).toBe('优');
    expect(convertGrade(table('example-cn-five-grade-to-percentage'), scheme('cn-five-grade'), '良')).toBe('80');
    expect(isPassing(scheme('ects-grade'), 'FX')).toBe(false);
    expect(isPassing(scheme('cefr'), 'A1')).toBe(true);
  });

  it('records SCQF-EQF referencing as official and makes no HKQF or Guangdong level pairs up', () => {
    expect(data.mappings.filter((m) => m.from.framework === 'scqf').every((m) => m.status === 'official')).toBe(true);
    const touches = (id: string) => data.mappings.some((m) => m.from.framework === id || m.to.framework === id);
    expect(touches('hkqf')).toBe(false);
    expect(touches('gd-ltlqf')).toBe(false);
  });
});

describe('loadFrameworkFiles rejects bad files naming file and field', () => {
  const cases: [string, string, (j: any) => void, string, string][] = [
    ['a level gap', 'eqf.json', (j) => j.levels.splice(3, 1), '/levels/3/level', 'expected 4'],
    ['a duplicated level', 'hkqf.json', (j) => { j.levels[2].level = 2; }, '/levels/2/level', 'expected 3'],
    ['a descriptor of the wrong type', 'eqf.json', (j) => { j.levels[3].descriptors.knowledge = 5; }, '/levels/3/descriptors/knowledge', 'expected string'],
    ['a missing descriptor', 'scqf.json', (j) => { delete j.levels[0].descriptors.practice; }, '/levels/0/descriptors/practice', 'required field missing'],
    ['a misspelt field', 'aqf.json', (j) => { j.levles = []; }, '/levles', 'unknown field'],
    ['a missing required field', 'aqf.json', (j) => { delete j.name; }, '/name', 'required field missing'],
    ['an unknown mapping target', 'level-mappings.json', (j) => { j.mappings[0].to.framework = 'nqf-x'; }, '/mappings/0/to/framework', 'unknown framework nqf-x'],
    ['a mapping to a level that does not exist', 'level-mappings.json', (j) => { j.mappings[0].to.level = 9; }, '/mappings/0/to/level', 'eqf has no level 9'],
    ['an inverted hour range', 'credit-systems.json', (j) => { j.creditSystems[0].hoursPerCredit = { min: '30', max: '25' }; }, '/creditSystems/0/hoursPerCredit/max', 'must be ≥ min'],
    ['zero hours per credit', 'credit-systems.json', (j) => { j.creditSystems[0].hoursPerCredit.min = '0'; }, '/creditSystems/0/hoursPerCredit/min', 'must be > 0'],
    ['an unknown credit system', 'hkqf.json', (j) => { j.creditSystem = 'hk-credit'; }, '/creditSystem', 'unknown credit system'],
    ['a mis-nested ISCED code', 'isced-f-2013.json', (j) => { j.broad[2].narrow[0].code = '031'; }, '/broad/2/narrow/0/code', 'not inside field 02'],
    ['a malformed ISCED code', 'isced-f-2013.json', (j) => { j.broad[1].narrow[0].detailed[0].code = '11a'; }, '/broad/1/narrow/0/detailed/0/code', 'pattern'],
    ['overlapping grade bands', 'grade-conversions.json', (j) => { j.gradeConversions[0].bands[1].from.min = '45'; }, '/gradeConversions/0/bands/1/from/min', 'overlaps'],
    ['a band target outside the target scheme', 'grade-conversions.json', (j) => { j.gradeConversions[0].bands[0].to = 'G'; }, '/gradeConversions/0/bands/0/to', 'not a result of scheme ects-grade'],
    ['a pass mark outside the scale', 'grading-schemes.json', (j) => { j.gradingSchemes[0].pass = '101'; }, '/gradingSchemes/0/pass', 'within min..max'],
    ['an unknown file kind', 'eqf.json', (j) => { j.kind = 'frame'; }, '/kind', 'expected one of'],
    // Found by test/http/api-fuzz: `kind in VALIDATORS` took a prototype member for a file kind (a 500 on POST /frameworks).
    ['a file kind named like an object prototype member', 'eqf.json', (j) => { j.kind = '__proto__'; }, '/kind', 'expected one of'],
    ['a file kind named toString', 'eqf.json', (j) => { j.kind = 'toString'; }, '/kind', 'expected one of'],
  ];
  it.each(cases)('rejects %s', (_label, file, edit, path, detail) => {
    const dir = withEdit(file, edit);
    const err = loadError(dir);
    expect(err.file).toBe(join(dir, file));
    expect(err.path).toBe(path);
    expect(err.message).toContain(`${join(dir, file)}: ${path}: `);
    expect(err.detail).toContain(detail);
  });

  it('rejects a framework id and version shipped twice', () => {
    const dir = withEdit('eqf.json', () => {});
    copyFileSync(join(dir, 'eqf.json'), join(dir, 'eqf-copy.json'));
    expect(loadError(dir).message).toContain('duplicate framework "eqf@2017"');
  });

  it('rejects a file that is not JSON', () => {
    const dir = withEdit('eqf.json', () => {});
    writeFileSync(join(dir, 'eqf.json'), '{ "kind": ');
    expect(loadError(dir).message).toMatch(/eqf\.json: \/: invalid JSON/);
  });
});
