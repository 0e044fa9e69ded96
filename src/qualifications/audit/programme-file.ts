// The one module under audit/ that touches the file system; everything else here is pure.
import { readFile } from 'node:fs/promises';
import type { Programme } from './programme.js';
import { ProgrammeFileError, parseProgramme } from './programme-schema.js';

/** Reads and validates a programme JSON file. */
export async function loadProgrammeFile(path: string): Promise<Programme> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ProgrammeFileError(path, '', `not JSON: ${(cause as Error).message}`);
  }
  return parseProgramme(value, path);
}
