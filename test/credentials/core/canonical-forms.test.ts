import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../../src/credentials/core/document-loader.js';
import { canonicalForm } from './canonical-form.js';
import { canonicalInputs } from './canonical-inputs.js';

/**
 * jsonld is patched (patches/jsonld+9.0.0.patch) so that processed JSON-LD contexts are reused
 * across operations instead of being deep-copied for every node. The patch must not change any
 * canonical form, whether a context is met for the first time (cold) or found in the caches that
 * earlier documents filled (warm), in any order. The expected forms were produced by jsonld 9.0.0
 * without the patch; every document is canonicalised cold first, then warm in several orders, and
 * with a fresh document loader each time as well as a shared one.
 */
const expected = (JSON.parse(readFileSync(new URL('./canonical-forms.json', import.meta.url), 'utf8')) as { forms: Record<string, string> }).forms;

describe('canonical forms with the patched jsonld', () => {
  it('are the unpatched library\'s, cold and warm, in any order', async () => {
    const inputs = await canonicalInputs();
    const names = Object.keys(inputs);
    expect(names.sort()).toEqual(Object.keys(expected).sort());
    const shared = createDocumentLoader();
    const orders = [names, [...names].reverse(), names.filter((_, i) => i % 2 === 0).concat(names.filter((_, i) => i % 2 === 1))];
    for (const order of orders) {
      for (const name of order) {
        expect(await canonicalForm(inputs[name]!, shared), name).toBe(expected[name]);
        expect(await canonicalForm(inputs[name]!, createDocumentLoader()), name).toBe(expected[name]);
      }
    }
  });

  it('are the same when documents are canonicalised concurrently', async () => {
    const inputs = await canonicalInputs();
    const loader = createDocumentLoader();
    const jobs = Object.entries(inputs).flatMap(([name, doc]) => [0, 1, 2].map(async () => [name, await canonicalForm(doc, loader)] as const));
    for (const [name, form] of await Promise.all(jobs)) expect(form, name).toBe(expected[name]);
  });
});
