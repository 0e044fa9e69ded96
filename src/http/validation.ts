import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

/** Ajv settings for every request part: unknown fields are errors, not dropped (HOUSE-STYLE). */
export const AJV_OPTIONS = { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } as const;

type BuildValidator = (externalSchemas: unknown, options: { customOptions?: Record<string, unknown> }) => FastifySchemaCompiler<unknown>;

/**
 * Fastify's validator factory, with type coercion only where text is all there is: querystring,
 * params and headers ("?limit=10" is a string). A JSON body says what it means, so 123 where a
 * string is required is a 400, not silently "123".
 */
export function partAwareValidator(): BuildValidator {
  const pool = AjvCompiler() as unknown as BuildValidator;
  return (externalSchemas, options) => {
    const coercing = pool(externalSchemas, options);
    const exact = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
    return (route) => (route.httpPart === 'body' ? exact : coercing)(route);
  };
}
