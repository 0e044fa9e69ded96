// Minimal typing for openbadges-validator (only the offline structural check is used).
declare module 'openbadges-validator' {
  interface Validator {
    (input: unknown, cb: (err: unknown, info: unknown) => void): void;
    /** Structural check of an OB 0.5 / 1.0 assertion; null when valid, else errors keyed by field. */
    assertion(assertion: unknown): Record<string, { code: string; message: string }> | null;
    isOldAssertion(assertion: unknown): boolean | null;
  }
  const validator: Validator;
  export default validator;
}
