import { createHash } from 'node:crypto';
import { createReadStream, existsSync, openSync, readFileSync, readSync, closeSync, renameSync, statSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { ndjsonLines, type NdjsonLine } from '../http/ndjson.js';
import { depositLines, DEFAULT_CHUNK } from './batch-deposit.js';

const CLI_ACTOR: Actor = { principal: { kind: 'operator', clientId: 'cli-import', scopes: ['*'] }, requestId: `cli-import-${process.pid}` };

/** Where a run got to. Only an optimisation: natural keys make a rerun from zero land every line exactly once. */
interface Checkpoint { fingerprint: string; offset: number; line: number; rejectsBytes: number; accepted: number; replayed: number; rejected: number }

// Size plus a hash of the first 64 KiB: a checkpoint never applies to a different file.
function fingerprint(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return `${statSync(file).size}:${createHash('sha256').update(buf.subarray(0, n)).digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

function loadCheckpoint(path: string, fp: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
    return c.fingerprint === fp ? c : undefined;
  } catch {
    return undefined;
  }
}

function saveCheckpoint(path: string, c: Checkpoint): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(c));
  renameSync(`${path}.tmp`, path);
}

export interface ImportOptions { institution?: string; rejects?: string; chunk?: number; progress?: boolean }

/** Streams an NDJSON file through the batch deposit rules, resumably; returns the summary. */
export async function importAchievements(ctx: AppContext, file: string, o: ImportOptions = {}) {
  const fp = fingerprint(file);
  const checkpointPath = `${file}.checkpoint`;
  const rejectsPath = o.rejects ?? `${file}.rejects.ndjson`;
  const resume = loadCheckpoint(checkpointPath, fp);
  const state: Checkpoint = resume ?? { fingerprint: fp, offset: 0, line: 0, rejectsBytes: 0, accepted: 0, replayed: 0, rejected: 0 };
  // Rejects written after the last checkpoint belong to a chunk that will be redone: cut them off.
  if (resume && existsSync(rejectsPath)) truncateSync(rejectsPath, resume.rejectsBytes);
  else writeFileSync(rejectsPath, '');
  const size = statSync(file).size;
  const bar = o.progress === false ? undefined : new cliProgress.SingleBar({ format: 'import [{bar}] {percentage}% | {value}/{total} bytes | {lines} lines' }, cliProgress.Presets.shades_classic);
  bar?.start(size, state.offset, { lines: state.line });
  const texts = new Map<number, string>();
  async function* remember(lines: AsyncIterable<NdjsonLine>) {
    for await (const l of lines) { texts.set(l.line, l.text); yield l; }
  }
  const lines = ndjsonLines(createReadStream(file, { start: state.offset }), { startOffset: state.offset, startLine: state.line });
  for await (const chunk of depositLines(ctx.records.service, remember(lines), CLI_ACTOR, { chunk: o.chunk ?? DEFAULT_CHUNK, institutionId: o.institution })) {
    const rejects = chunk.results.filter((r) => r.status === 'rejected').map((r) => `${JSON.stringify({ ...r, input: texts.get(r.line) })}\n`).join('');
    if (rejects) appendFileSync(rejectsPath, rejects);
    for (const r of chunk.results) {
      if (r.status === 'rejected') state.rejected += 1; else if (r.replayed) state.replayed += 1; else state.accepted += 1;
    }
    // The next chunk may already be read (chunks overlap): forget only the lines reported here.
    for (const line of texts.keys()) if (line <= chunk.lastLine) texts.delete(line);
    Object.assign(state, { offset: chunk.endOffset, line: chunk.lastLine, rejectsBytes: statSync(rejectsPath).size });
    saveCheckpoint(checkpointPath, state);
    bar?.update(chunk.endOffset, { lines: chunk.lastLine });
  }
  bar?.stop();
  return { file, resumedFrom: resume ? { offset: resume.offset, line: resume.line } : null, lines: state.line,
    accepted: state.accepted, replayed: state.replayed, rejected: state.rejected, rejects: rejectsPath };
}

/** `import achievements FILE.ndjson [--institution id] [--rejects FILE]`; shares the `import` group with other domains. */
export function registerRecordCommands(program: Command, withContext: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  const group = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('Bulk imports from NDJSON files');
  group.command('achievements <file>').description('Deposit achievements from an NDJSON file (one deposit per line, with learnerId or identity); resumable')
    .option('--institution <id>', 'depositing institution for lines that name none')
    .option('--rejects <file>', 'where rejected lines go (default FILE.rejects.ndjson)')
    .option('--chunk <n>', 'lines per transaction', (v) => Number.parseInt(v, 10))
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, o: ImportOptions) => {
      await withContext(async (ctx) => {
        console.log(JSON.stringify(await importAchievements(ctx, file, o), null, 2));
      });
    });
}
