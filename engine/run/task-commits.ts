// Which task commits a branch holds, by task and fingerprint. Every task asks before calling a model (a run that
// died after committing must adopt that commit, not pay again). The commits this run wrote are walked in memory;
// the history behind them (commits this run did not write) is read once per such commit with one `git log`, and
// shared: every stream branch this run starts grows from the same working-branch commits.
import type { CommitResult, GitStore, Trailers } from "../forge/index.ts";
import { formatTrailers, parseTrailers } from "../agency/commit-trailers.ts";

export interface TaskCommit {
  sha: string;
  trailers: Trailers;
}

/** Parents of the commits this run wrote (CommitGraph); undefined for any other commit. */
export interface OwnCommits {
  parentsOf(sha: string): readonly string[] | undefined;
}

const keyOf = (task: string, fingerprint: string) => `${task}\0${fingerprint}`;

export class TaskCommits {
  readonly #store: GitStore;
  readonly #own: OwnCommits;
  /** Task commits this run wrote. */
  readonly #wrote = new Map<string, { key: string; commit: TaskCommit }>();
  /** Every task commit reachable from a commit this run did not write, newest first per key. */
  readonly #history = new Map<string, Promise<Map<string, TaskCommit>>>();

  constructor(store: GitStore, own: OwnCommits) {
    this.#store = store;
    this.#own = own;
  }

  async find(tip: string | undefined, task: string, fingerprint: string): Promise<TaskCommit | undefined> {
    if (!tip) return undefined;
    const key = keyOf(task, fingerprint);
    // Newest first along each line (first parents first): of two commits for the same inputs, the later one is what
    // the branch shows.
    const visited = new Set<string>();
    const stack = [tip];
    const older: string[] = [];
    while (stack.length) {
      const sha = stack.pop()!;
      if (visited.has(sha)) continue;
      visited.add(sha);
      const mine = this.#wrote.get(sha);
      if (mine?.key === key) return mine.commit;
      const parents = this.#own.parentsOf(sha);
      if (parents) for (let i = parents.length - 1; i >= 0; i--) stack.push(parents[i]!);
      else older.push(sha);
    }
    for (const sha of older) {
      const hit = (await this.historyOf(sha)).get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  /** Reads the task commits behind `sha` (at most once); a run starts this early for its working branch's tip. */
  historyOf(sha: string): Promise<Map<string, TaskCommit>> {
    let history = this.#history.get(sha);
    if (!history) {
      history = (async () => {
        const commits = new Map<string, TaskCommit>();
        for (const c of await this.#store.log({ ref: sha, trailers: formatTrailers({ kind: "task" }) })) {
          const t = parseTrailers(c.trailers);
          const k = keyOf(t.task ?? "", t.fingerprint ?? "");
          if (!commits.has(k)) commits.set(k, { sha: c.sha, trailers: c.trailers });
        }
        return commits;
      })();
      // A failed read is not an answer: the next question reads again.
      history.catch(() => this.#history.delete(sha));
      this.#history.set(sha, history);
    }
    return history;
  }

  /** A commit this run made (its parents are in OwnCommits): known at once, without reading history again. */
  wrote(commit: CommitResult, trailers: Trailers): void {
    if (!commit.changed) return;
    const ours = parseTrailers(trailers);
    if (ours.kind === "task" && ours.task && ours.fingerprint) {
      this.#wrote.set(commit.sha, { key: keyOf(ours.task, ours.fingerprint), commit: { sha: commit.sha, trailers } });
    }
  }
}
