import type { Prepared } from './prepare.js';

/** A maximisation MILP in row form (every row `Σ a·x ≤ upper`, every column `0 ≤ x ≤ upper`). */
export interface LinearProgram {
  numCols: number;
  colCost: number[];
  colUpper: number[];
  /** 1 for an integer column, 0 for a continuous one. */
  integrality: number[];
  rows: { indices: number[]; values: number[]; upper: number }[];
}

/** The audit MILP: binaries x(item, category), then one continuous coverage column y per minimum. */
export interface MilpModel extends LinearProgram {
  /** The row that bounds each coverage column, in the same order as the columns. */
  coverageRows: number[];
  /** pairs[k] = [item index, category index] of column k. */
  pairs: [number, number][];
  /** Minimums that took a coverage column, in column order after the pairs. */
  coveredMinimums: number[];
}

/**
 * Builds the assignment MILP. Objective (integer coefficients, so an optimum is exact):
 *   coverage = Σ over minimums of min(counted, need), in scaled credits; an item slot of a
 *   required item or choice group weighs one credit.
 * Coverage reaches Σ need exactly when every minimum is met, so the optimum is complete
 * whenever any complete assignment exists. Counted credit beyond that is settled afterwards
 * (see extendPlacement): putting it in the objective with a lexicographic weight made the
 * coefficients span eight orders of magnitude, and HiGHS then took seconds to close the gap.
 */
export function buildMilp(p: Prepared): MilpModel {
  const pairs: [number, number][] = [];
  const pairsOfItem: number[][] = p.items.map((item, i) => item.categories.map((c) => { pairs.push([i, c]); return pairs.length - 1; }));
  const scale = p.scale.toNumber();
  const colCost = pairs.map(() => 0);
  const colUpper = pairs.map(() => 1);
  const integrality = pairs.map(() => 1);
  const rows: MilpModel['rows'] = [];
  const units = (k: number) => p.items[pairs[k]![0]]!.units;
  const inDuplicateGroup = new Set(p.duplicateGroups.flat());
  pairsOfItem.forEach((cols, i) => {
    if (cols.length > 1 && !inDuplicateGroup.has(i)) rows.push({ indices: cols, values: cols.map(() => 1), upper: 1 });
  });
  for (const group of p.duplicateGroups) {
    const cols = group.flatMap((i) => pairsOfItem[i]!);
    rows.push({ indices: cols, values: cols.map(() => 1), upper: 1 });
  }
  const colsOfCategory: number[][] = p.categories.map(() => []);
  pairs.forEach(([, cat], k) => colsOfCategory[cat]!.push(k));
  p.categories.forEach((c, ci) => {
    if (c.maxUnits === undefined) return;
    const cols = colsOfCategory[ci]!;
    rows.push({ indices: cols, values: cols.map(units), upper: c.maxUnits });
  });
  for (const g of p.capGroups) {
    const cols = g.itemIndexes.flatMap((i) => pairsOfItem[i]!);
    rows.push({ indices: cols, values: cols.map(units), upper: g.limitUnits });
  }
  const coveredMinimums: number[] = [];
  const coverageRows: number[] = [];
  p.minimums.forEach((m, mi) => {
    if (m.waiver !== undefined || m.need <= 0) return;
    const y = pairs.length + coveredMinimums.length;
    coveredMinimums.push(mi);
    colCost.push(m.unit === 'items' ? scale : 1);
    colUpper.push(m.need);
    integrality.push(0);
    const indices: number[] = [];
    const values: number[] = [];
    for (const i of m.itemIndexes) {
      for (const k of pairsOfItem[i]!) {
        if (m.scope !== null && !m.scope.includes(pairs[k]![1])) continue;
        indices.push(k);
        values.push(m.unit === 'items' ? -1 : -units(k));
      }
    }
    indices.push(y);
    values.push(1);
    coverageRows.push(rows.length);
    rows.push({ indices, values, upper: 0 });
  });
  return { numCols: colCost.length, colCost, colUpper, integrality, rows, pairs, coveredMinimums, coverageRows };
}
