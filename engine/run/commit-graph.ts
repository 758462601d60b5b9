// "Is commit a contained in commit b?" is asked after every finished action (which streams are merged, which
// outputs are pending). Most of the commits involved are ones this run just wrote, whose parents it knows, so the
// answer is derived from them and git is asked only about pairs of commits that existed before (or were written by
// someone else), once per pair.
//
// A commit cannot contain one written after it: a ref seen pointing at b before the write of a began means b is
// not a descendant of a, whoever wrote b. Writes take a ticket from a clock as they begin, and every commit seen at
// a ref is stamped with the clock's value, so that question needs no git either.

export type AncestorQuery = (ancestor: string, descendant: string) => Promise<boolean>;

export class CommitGraph {
  readonly #parents = new Map<string, readonly string[]>();
  readonly #answers = new Map<string, Promise<boolean>>();
  #clock = 0;
  /** Commits this process wrote: the clock's value when their write began. */
  readonly #writtenAt = new Map<string, number>();
  /** Commits seen at a ref: the clock's value when first seen. */
  readonly #seenAt = new Map<string, number>();
  readonly #askGit: AncestorQuery;

  constructor(askGit: AncestorQuery) {
    this.#askGit = askGit;
  }

  /** Called as a write begins (before any ref can point at what it writes); its ticket goes to `learn`. */
  writing(): number {
    return ++this.#clock;
  }

  /** A commit this process wrote, with its parents: from now on questions about it need no git. */
  learn(sha: string, parents: readonly string[], ticket?: number): void {
    this.#parents.set(sha, parents);
    // A commit already seen at a ref existed before this write (same content, same second): it is not new.
    if (ticket !== undefined && !this.#writtenAt.has(sha) && !this.#seenAt.has(sha)) this.#writtenAt.set(sha, ticket);
  }

  /** A ref was just read and points at `sha` (call it when the answer arrives, not when it was asked). */
  seen(sha: string | undefined): void {
    if (sha !== undefined && !this.#seenAt.has(sha)) this.#seenAt.set(sha, this.#clock);
  }

  /** Parents of a commit this process wrote; undefined for any other. */
  parentsOf(sha: string): readonly string[] | undefined {
    return this.#parents.get(sha);
  }

  isAncestor(a: string, b: string): Promise<boolean> {
    if (a === b) return Promise.resolve(true);
    const key = `${a} ${b}`;
    let answer = this.#answers.get(key);
    if (!answer) {
      answer = this.#derive(a, b);
      // A failed git call is not an answer: the next question asks again.
      answer.catch(() => this.#answers.delete(key));
      this.#answers.set(key, answer);
    }
    return answer;
  }

  async #derive(a: string, b: string): Promise<boolean> {
    const bParents = this.#parents.get(b);
    // b is ours: a is in b exactly when a is b or in one of b's parents.
    if (bParents) {
      for (const p of bParents) if (await this.isAncestor(a, p)) return true;
      return false;
    }
    // b was seen before a was begun: b cannot contain a.
    const wrote = this.#writtenAt.get(a);
    const saw = this.#seenAt.get(b);
    if (wrote !== undefined && saw !== undefined && saw < wrote) return false;
    // a is ours: a is in b only if every parent of a is, so one parent outside b settles it.
    const aParents = this.#parents.get(a);
    if (aParents) for (const p of aParents) if (!(await this.isAncestor(p, b))) return false;
    return this.#askGit(a, b);
  }
}
