/**
 * Values derived from short texts that repeat (results, credit amounts, hour bounds), kept up to
 * `max` entries and then forgotten all at once: cheaper on a hot path than an LRU's bookkeeping,
 * and the texts seen again are stored again on their next use. Only for pure derivations of the
 * text (immutable values), since every caller shares the stored value.
 */
export class TextMemo<V> {
  readonly #values = new Map<string, V>();
  constructor(private readonly max = 10_000) {}

  get(text: string): V | undefined {
    return this.#values.get(text);
  }

  set(text: string, value: V): V {
    if (this.#values.size >= this.max) this.#values.clear();
    this.#values.set(text, value);
    return value;
  }
}
