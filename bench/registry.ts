import { credentialsBench } from './credentials.bench.js';
import { catalogueBench } from './catalogue.bench.js';
import { httpBench } from './http.bench.js';
import { ledgerBench } from './ledger.bench.js';
import { qualificationsBench } from './qualifications.bench.js';
import { recognitionEngineBench } from './recognition-engine.bench.js';
import { recognitionBench } from './recognition.bench.js';
import { recordsBench } from './records.bench.js';

export interface BenchContext {
  smoke: boolean;
  /** A PostgreSQL server to benchmark against as well as PGlite, when set. */
  postgresUrl?: string;
}

export interface Benchmark {
  name: string;
  /** Returns markdown lines (tables) with medians and ratios measured in this run. */
  run(ctx: BenchContext): Promise<string[]>;
}

/** Every benchmark, in order. Domains add theirs here. */
export const BENCHMARKS: Benchmark[] = [httpBench, ledgerBench, credentialsBench, recordsBench, recognitionEngineBench, recognitionBench, catalogueBench, qualificationsBench];
