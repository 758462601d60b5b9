// Which task commits a stream branch holds, by task and fingerprint. Every task asks before calling a model (a run
// that died after committing must adopt that commit, not pay again); reading the branch's history once, then
// adding the commits this run writes, answers all of those questions with one `git log` per branch.
import type { CommitResult, GitStore, Trailers } from "../forge/index.ts";

export interface TaskCommit {
  sha: string;
  trailers: Trailers;
}

const keyOf = (task: string, fingerprint: string) => `${task}\0${fingerprint}`;

export class TaskCommits {
  readonly #store: GitStore;
  readonly #byBranch = new Map<string, { tip: string; commits: Map<string, TaskCommit> }>();

  constructor(store: GitStore) {
    this.#store = store;
  }

  async find(branch: string, tip: string | undefined, task: string, fingerprint: string): Promise<TaskCommit | undefined> {
    if (!tip) return undefined;
    let index = this.#byBranch.get(branch);
    if (index?.tip !== tip) {
      const commits = new Map<string, TaskCommit>();
      // Newest first: of two commits for the same inputs, the later one is what the branch shows.
      for (const c of await this.#store.log({ ref: tip, trailers: { "Ateams-Kind": "task" } })) {
        const k = keyOf(c.trailers["Ateams-Task"] ?? "", c.trailers["Ateams-Fingerprint"] ?? "");
        if (!commits.has(k)) commits.set(k, { sha: c.sha, trailers: c.trailers });
      }
      this.#byBranch.set(branch, (index = { tip, commits }));
    }
    return index.commits.get(keyOf(task, fingerprint));
  }

  /** A commit this run made on the branch: known at once, without reading history again. */
  wrote(branch: string, commit: CommitResult, trailers: Trailers): void {
    const index = this.#byBranch.get(branch);
    if (!index || index.tip !== commit.parent) return; // the branch moved some other way: the next find reads it
    index.tip = commit.sha;
    if (trailers["Ateams-Kind"] === "task" && trailers["Ateams-Task"] && trailers["Ateams-Fingerprint"]) {
      index.commits.set(keyOf(trailers["Ateams-Task"], trailers["Ateams-Fingerprint"]), { sha: commit.sha, trailers });
    }
  }
}
