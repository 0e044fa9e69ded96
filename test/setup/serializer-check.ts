import { afterAll } from 'vitest';
import { takeSerializerLosses } from '../helpers/serializer-check.js';

// Fails the file whose requests got a response that differed from what its handler returned
// (see test/helpers/serializer-check.ts).
afterAll(() => {
  const losses = takeSerializerLosses();
  if (losses.length > 0) throw new Error(`the response serialiser changed ${losses.length} response(s):\n${[...new Set(losses)].join('\n')}`);
});
