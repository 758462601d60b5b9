// "Is commit a contained in commit b?" is asked after every finished action (which streams are merged, which
// outputs are pending). Most of the commits involved are ones this run just wrote, whose parents it knows, so the
// answer is derived from them and git is asked only about pairs of commits that existed before (or were written by
// someone else), once per pair.

export type AncestorQuery = (ancestor: string, descendant: string) => Promise<boolean>;

export class CommitGraph {
  readonly #parents = new Map<string, readonly string[]>();
  readonly #answers = new Map<string, Promise<boolean>>();
  readonly #askGit: AncestorQuery;

  constructor(askGit: AncestorQuery) {
    this.#askGit = askGit;
  }

  /** A commit this process wrote, with its parents: from now on questions about it need no git. */
  learn(sha: string, parents: readonly string[]): void {
    this.#parents.set(sha, parents);
  }

  knows(sha: string): boolean {
    return this.#parents.has(sha);
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
    // a is ours: a is in b only if every parent of a is, so one parent outside b settles it.
    const aParents = this.#parents.get(a);
    if (aParents) for (const p of aParents) if (!(await this.isAncestor(p, b))) return false;
    return this.#askGit(a, b);
  }
}
