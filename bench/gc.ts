import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full garbage collection (V8's gc(), exposed for this call only), run between a benchmark's setup
 * and its timed part: what the setup left behind (an index of 100,000 rules, a 10-million-row load)
 * is otherwise collected during the first timed operations, which then decide the p99.
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
