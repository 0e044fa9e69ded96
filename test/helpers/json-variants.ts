/** Variants of a JSON document with one field removed or of the wrong type, for odd-input tests. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonPath = (string | number)[];

/** Every path of a JSON value (object keys and array positions), outermost first. */
export function paths(x: Json, at: JsonPath = []): JsonPath[] {
  if (x === null || typeof x !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(x) ? x.map((_, i) => i) : Object.keys(x);
  return keys.flatMap((k) => [[...at, k], ...paths((x as Record<string | number, Json>)[k]!, [...at, k])]);
}

/** A copy with the value at `path` replaced (or removed when `value` is undefined). */
export function withValue(x: Json, path: JsonPath, value: Json | undefined): Json {
  const copy = structuredClone(x);
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = value ?? null;
  return copy;
}

/** Values of the wrong type or shape, as anyone may paste or send (undefined: the field removed). */
export const ODD: (Json | undefined)[] = [undefined, null, [], {}, 7, -1.5, 'x', [null], true, '', [{}]];

/** Every variant of `x` with one field removed or replaced by an ODD value (those equal to `x` left out). */
export function oddVariants(x: Json, keep: (path: JsonPath) => boolean = () => true): { label: string; value: Json }[] {
  const same = JSON.stringify(x);
  return paths(x).filter(keep).flatMap((p) => ODD.map((v) => ({ label: `${p.join('.')} = ${v === undefined ? '(removed)' : JSON.stringify(v)}`, value: withValue(x, p, v) })))
    .filter((v) => JSON.stringify(v.value) !== same);
}
