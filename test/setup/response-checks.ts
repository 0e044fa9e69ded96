import { afterAll } from 'vitest';
import { takeResponseFindings } from '../helpers/response-checks.js';

// Fails the file whose requests got a response the checks of test/helpers/response-checks.ts object to.
afterAll(() => {
  const found = takeResponseFindings();
  if (found.length > 0) throw new Error(`${found.length} response(s) failed the response checks:\n${[...new Set(found)].join('\n')}`);
});
