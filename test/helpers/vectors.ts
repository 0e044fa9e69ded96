import { fileURLToPath } from 'node:url';
import { readControllerDocuments } from '../../src/config/config.js';

/**
 * The controller document of the key 1EdTech publishes with its signed examples, read the way a
 * deployment would pin it (VERIFIER_CONTROLLERS_FILE). Tests opt in; the service never loads it.
 */
export function oneEdTechControllers(): Record<string, Record<string, unknown>> {
  return readControllerDocuments(fileURLToPath(new URL('../../credentials/vectors/1edtech-controllers.json', import.meta.url)));
}
