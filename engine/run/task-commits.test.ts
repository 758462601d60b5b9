import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitProcessesStarted, openGitStore, type GitStore } from "../forge/index.ts";
import { gitIn } from "../../test/support/git-repo.ts";
import { trailers } from "./context.ts";
import { TaskCommits } from "./task-commits.ts";

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
    const found = await new TaskCommits(store).find(BRANCH, a.sha, "a", "fp1");
    expect(found?.sha).toBe(a.sha);
    expect(found?.trailers["Ateams-Fingerprint"]).toBe("fp1");
    expect(await new TaskCommits(store).find(BRANCH, a.sha, "a", "other-inputs")).toBeUndefined();
  });

  it("a status commit naming the same task and fingerprint is not a task commit", async () => {
    const s = await store.commitFiles({ branch: BRANCH, files: [{ path: "status.yaml", content: "x" }], message: "status", trailers: trailers({ project: "p", kind: "status", task: "a", fingerprint: "fp1" }) });
    expect(await new TaskCommits(store).find(BRANCH, s.sha, "a", "fp1")).toBeUndefined();
  });

  it("knows the commits this run writes without reading history again", async () => {
    const commits = new TaskCommits(store);
    const first = await store.commitFiles({ branch: BRANCH, files: [{ path: "out/a.md", content: "a" }], message: "a", trailers: taskTrailers("a", "fp1") });
    expect(await commits.find(BRANCH, first.sha, "b", "fp2")).toBeUndefined(); // reads the branch once
    const second = await store.commitFiles({ branch: BRANCH, files: [{ path: "out/b.md", content: "b" }], message: "b", trailers: taskTrailers("b", "fp2") });
    commits.wrote(BRANCH, second, taskTrailers("b", "fp2"));
    const before = gitProcessesStarted();
    expect((await commits.find(BRANCH, second.sha, "b", "fp2"))?.sha).toBe(second.sha);
    expect((await commits.find(BRANCH, second.sha, "a", "fp1"))?.sha).toBe(first.sha);
    expect(gitProcessesStarted() - before).toBe(0);
  });

  it("reads the branch again when it moved some other way", async () => {
    const commits = new TaskCommits(store);
    const first = await store.commitFiles({ branch: BRANCH, files: [{ path: "out/a.md", content: "a" }], message: "a", trailers: taskTrailers("a", "fp1") });
    expect(await commits.find(BRANCH, first.sha, "b", "fp2")).toBeUndefined();
    // Another process (a fan-out job) commits b; this run never hears of it but sees the new tip.
    const other = await openGitStore(root);
    const second = await other.commitFiles({ branch: BRANCH, files: [{ path: "out/b.md", content: "b" }], message: "b", trailers: taskTrailers("b", "fp2") });
    await other.close();
    expect((await commits.find(BRANCH, second.sha, "b", "fp2"))?.sha).toBe(second.sha);
  });
});
