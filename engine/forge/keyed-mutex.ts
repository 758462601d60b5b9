// Serialises async work per key (one branch of one repository): parallel tasks finishing at once must queue for a
// ref instead of racing its compare-and-swap and burning retries.

export class KeyedMutex {
  #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    // The next caller waits for this one to settle either way; a failure must not wedge the queue.
    const mine = before.then(work, work);
    const tail = mine.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await mine;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with work queued or running; for tests and diagnostics. */
  get size(): number {
    return this.#tails.size;
  }
}
