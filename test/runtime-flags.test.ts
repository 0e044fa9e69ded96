import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../src/runtime.js';

// V8 reads these flags when it sets up the heap, so only the command line can give them: the
// scripts that start the service (and the benchmarks, which measure it as it runs) must pass them.
describe('server node flags', () => {
  const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it.each(['start', 'bench'])('npm %s passes every one of them', (name) => {
    const args = scripts[name]!.split(/\s+/);
    for (const flag of SERVER_NODE_FLAGS) expect(args).toContain(flag);
  });
});
