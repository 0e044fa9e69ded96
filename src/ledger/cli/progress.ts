import cliProgress from 'cli-progress';

/** Progress of a long run; a no-op unless the stream is a terminal, so pipes and logs stay clean. */
export interface Progress {
  setTotal(total: number): void;
  advance(n: number): void;
  stop(): void;
}

const SILENT: Progress = { setTotal() {}, advance() {}, stop() {} };

/** A bar on stderr (stdout keeps the report), only when stderr is a TTY. */
export function progressBar(label: string, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  if (!stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {value}/{total} entries, {eta_formatted} left`, stream, hideCursor: true, etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  bar.start(0, 0);
  return {
    setTotal: (total) => bar.setTotal(total),
    advance: (n) => bar.increment(n),
    stop: () => bar.stop(),
  };
}

/** Counts entries as an audit consumes them. */
export async function* counted<T>(items: AsyncIterable<T> | Iterable<T>, progress: Progress): AsyncGenerator<T> {
  let pending = 0;
  for await (const item of items) {
    yield item;
    if (++pending === 1000) { progress.advance(pending); pending = 0; }
  }
  progress.advance(pending);
}
