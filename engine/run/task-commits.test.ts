import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitProcessesStarted, openGitStore, type GitStore } from "../forge/index.ts";
import { gitIn } from "../../test/support/git-repo.ts";
import { trailers } from "./run-context.ts";
import { CommitGraph } from "./commit-graph.ts";
import { TaskCommits } from "./task-commits.ts";

const never = async () => {
  throw new Error("no ancestry question expected");
};

const BRANCH = "ateams/p/s";
let root: string;
let store: GitStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ateams-task-commits-"));
  gitIn(root, "init", "-q", "-b", "main");
  await writeFile(join(root, "README.md"), "hi\n");
  gitIn(root, "add", "-A");
  gitIn(root, "commit", "-q", "-m", "init");
  store = await openGitStore(root);
});
afterEach(async () => {
  await store.close();
  await rm(root, { recursive: true, force: true });
});

const taskTrailers = (task: string, fingerprint: string) => trailers({ project: "p", kind: "task", stream: "s", task, fingerprint });

describe("TaskCommits", () => {
  it("finds a task commit an earlier run left on the branch, by task and fingerprint", async () => {
    const a = await store.commitFiles({ branch: BRANCH, files: [{ path: "out/a.md", content: "a" }], message: "a", trailers: taskTrailers("a", "fp1") });
    const found = await new TaskCommits(store, new CommitGraph(never)).find(a.sha, "a", "fp1");
    expect(found?.sha).toBe(a.sha);
    expect(found?.trailers["Ateams-Fingerprint"]).toBe("fp1");
    expect(await new TaskCommits(store, new CommitGraph(never)).find(a.sha, "a", "other-inputs")).toBeUndefined();
  });

  it("a status commit naming the same task and fingerprint is not a task commit", async () => {
    const s = await store.commitFiles({ branch: BRANCH, files: [{ path: "status.yaml", content: "x" }], message: "status", trailers: trailers({ project: "p", kind: "status", task: "a", fingerprint: "fp1" }) });
    expect(await new TaskCommits(store, new CommitGraph(never)).find(s.sha, "a", "fp1")).toBeUndefined();
  });

  it("knows the commits this run writes, and reads the history behind them once for every branch grown from it", async () => {
    const graph = new CommitGraph(never);
    const commits = new TaskCommits(store, graph);
    const base = await store.commitFiles({ branch: BRANCH, files: [{ path: "out/a.md", content: "a" }], message: "a", trailers: taskTrailers("a", "fp1") });
    // Two branches this run starts from the same commit, each with a task commit of its own.
    const write = async (branch: string, task: string) => {
      const r = await store.commitFiles({ branch, base: BRANCH, files: [{ path: `out/${task}.md`, content: task }], message: task, trailers: taskTrailers(task, "fp2") });
      graph.learn(r.sha, [r.parent!]);
      commits.wrote(r, taskTrailers(task, "fp2"));
      return r;
    };
    const b = await write("ateams/p/b", "b");
    const c = await write("ateams/p/c", "c");
    const before = gitProcessesStarted();
    expect((await commits.find(b.sha, "b", "fp2"))?.sha).toBe(b.sha);
    expect(gitProcessesStarted() - before).toBe(0); // its own commit: no history read
    expect((await commits.find(b.sha, "a", "fp1"))?.sha).toBe(base.sha);
    expect((await commits.find(c.sha, "a", "fp1"))?.sha).toBe(base.sha);
    expect(await commits.find(c.sha, "b", "fp2")).toBeUndefined(); // b is not on c's branch
    expect(gitProcessesStarted() - before).toBe(1); // one log of the shared base
  });

  it("reads the history of a commit some other process wrote", async () => {
    const commits = new TaskCommits(store, new CommitGraph(never));
    const first = await store.commitFiles({ branch: BRANCH, files: [{ path: "out/a.md", content: "a" }], message: "a", trailers: taskTrailers("a", "fp1") });
    expect(await commits.find(first.sha, "b", "fp2")).toBeUndefined();
    // Another process (a fan-out job) commits b; this run never hears of it but sees the new tip.
    const other = await openGitStore(root);
    const second = await other.commitFiles({ branch: BRANCH, files: [{ path: "out/b.md", content: "b" }], message: "b", trailers: taskTrailers("b", "fp2") });
    await other.close();
    expect((await commits.find(second.sha, "b", "fp2"))?.sha).toBe(second.sha);
  });
});
