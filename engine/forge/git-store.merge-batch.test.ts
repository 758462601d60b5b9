import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitDirtyWorktreeError, GitRefNotFoundError } from "./errors.ts";
import { gitProcessesStarted } from "./git-runner.ts";
import { openGitStore, type GitStore } from "./git-store.ts";
import type { MergeResult } from "./merge-branch.ts";
import { checkoutSnapshot, initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";
import { TRAILER_KEYS } from "./trailers.ts";

const dirs = tempDirs();
const stores: GitStore[] = [];
beforeAll(async () => {
  await isolateGitConfig(dirs);
  // Fixed dates: two repositories built the same way get the same commit ids, so a batch and a sequence of single
  // merges can be compared commit for commit.
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = "1700000000 +0000";
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await dirs.cleanup();
});

const streams = (n: number) => Array.from({ length: n }, (_, i) => `ateams/launch/s${i}`);

/** main with a user commit, `n` stream branches each adding its own file, and main moved on since. */
async function repoWithStreams(n: number): Promise<{ dir: string; git: SimpleGit; store: GitStore; main: string }> {
  const dir = await dirs.make();
  const git = await initRepo(dir);
  await userCommit(git, dir, { "README.md": "hello\n", "shared.md": "line 1\n" }, "initial");
  const store = await openGitStore(dir);
  stores.push(store);
  for (const [i, s] of streams(n).entries()) {
    await store.commitFiles({ branch: s, base: "main", files: [{ path: `out/s${i}.md`, content: `stream ${i}\n` }], message: `task s${i}` });
  }
  const main = (await store.commitFiles({ branch: "main", files: [{ path: "out/plan.md", content: "plan\n" }], message: "plan" })).sha;
  return { dir, git, store, main };
}

const inputs = (n: number) => streams(n).map((source, i) => ({ source, message: `Merge s${i}`, trailers: { [TRAILER_KEYS.kind]: "merge" } }));
const raw = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

async function spawnsOf<T>(work: () => Promise<T>): Promise<{ value: T; spawns: number }> {
  const before = gitProcessesStarted();
  const value = await work();
  return { value, spawns: gitProcessesStarted() - before };
}

describe("GitStore.mergeBranches", () => {
  it("makes the same commits as one mergeBranch per source, with one sync and one ref move into the checked-out branch", async () => {
    const a = await repoWithStreams(3);
    const b = await repoWithStreams(3);
    expect(a.main).toBe(b.main);
    const sequential: MergeResult[] = [];
    for (const input of inputs(3)) sequential.push(await a.store.mergeBranch({ ...input, into: "main" }));

    const { value: batch, spawns } = await spawnsOf(() => b.store.mergeBranches(inputs(3), "main"));

    expect(batch).toEqual(sequential);
    expect(batch.map((r) => r.status)).toEqual(["merged", "merged", "merged"]);
    expect(raw(b.dir, "rev-parse", "main")).toBe(raw(a.dir, "rev-parse", "main"));
    expect(raw(b.dir, "log", "--format=%H %P %T %s", "main")).toBe(raw(a.dir, "log", "--format=%H %P %T %s", "main"));
    // merge-tree and commit-tree per source, then status, update-index, update-ref.
    expect(spawns).toBeLessThanOrEqual(2 * 3 + 3);
    expect(raw(b.dir, "status", "--porcelain")).toBe("");
    for (const i of [0, 1, 2]) expect(await readFile(join(b.dir, `out/s${i}.md`), "utf8")).toBe(`stream ${i}\n`);
    // One move of the branch, from the old tip to the last merge commit.
    expect(raw(b.dir, "reflog", "-1", "--format=%gs", "main")).toBe(`ateams: merge ${streams(3).join(", ")} into main`);
    expect(raw(b.dir, "rev-parse", "main@{1}")).toBe(b.main);
    expect(await b.store.fsck()).toEqual({ ok: true, output: "" });
  });

  it("skips a conflicting source in the middle and merges the others on top of each other", async () => {
    const { dir, store } = await repoWithStreams(3);
    await store.commitFiles({ branch: "ateams/launch/s1", files: [{ path: "shared.md", content: "stream says\n" }], message: "s" });
    const main = (await store.commitFiles({ branch: "main", files: [{ path: "shared.md", content: "main says\n" }], message: "m" })).sha;

    const [r0, r1, r2] = await store.mergeBranches(inputs(3), "main");

    expect(r0!.status).toBe("merged");
    expect(r1).toEqual({ status: "conflict", sha: r0!.sha, paths: ["shared.md"] });
    expect(r2!.status).toBe("merged");
    expect(raw(dir, "rev-parse", "main")).toBe(r2!.sha);
    expect(raw(dir, "rev-list", "--parents", "-n1", r2!.sha).split(" ")).toEqual([r2!.sha, r0!.sha, raw(dir, "rev-parse", "ateams/launch/s2")]);
    expect(raw(dir, "rev-list", "--parents", "-n1", r0!.sha).split(" ")).toEqual([r0!.sha, main, raw(dir, "rev-parse", "ateams/launch/s0")]);
    expect(raw(dir, "status", "--porcelain")).toBe("");
    expect(await readFile(join(dir, "shared.md"), "utf8")).toBe("main says\n");
    expect(await readFile(join(dir, "out/s2.md"), "utf8")).toBe("stream 2\n");
  });

  it("reports an already-merged source as up-to-date, and a batch of only those moves nothing", async () => {
    const { dir, store } = await repoWithStreams(3);
    const first = await store.mergeBranch({ source: "ateams/launch/s1", into: "main", message: "Merge s1 early" });

    const results = await store.mergeBranches(inputs(3), "main");

    expect(results[1]).toEqual({ status: "up-to-date", sha: results[0]!.sha });
    expect(results.map((r) => r.status)).toEqual(["merged", "up-to-date", "merged"]);
    const tip = raw(dir, "rev-parse", "main");
    expect(tip).toBe(results[2]!.sha);
    expect(raw(dir, "rev-parse", "main@{1}")).toBe(first.sha);
    const { value: again, spawns } = await spawnsOf(() => store.mergeBranches(inputs(3).slice(1), "main"));
    expect(again).toEqual([
      { status: "up-to-date", sha: tip },
      { status: "up-to-date", sha: tip },
    ]);
    expect(raw(dir, "rev-parse", "main")).toBe(tip);
    expect(spawns).toBeLessThanOrEqual(2); // merge-tree and merge-base for s1, no longer a parent of the tip
    expect(await store.mergeBranches([], "main")).toEqual([]);
  });

  it("refuses the whole batch when the user has changes on a path any merge touches, and changes nothing", async () => {
    const { dir, git, store, main } = await repoWithStreams(3);
    await writeFile(join(dir, "out/s2.md"), "user draft\n"); // untracked, and the last merge would create it
    const before = await checkoutSnapshot(git);
    const refs = raw(dir, "for-each-ref");

    await expect(store.mergeBranches(inputs(3), "main")).rejects.toSatisfy((e) => e instanceof GitDirtyWorktreeError && e.paths.join() === "out/s2.md");

    expect(await checkoutSnapshot(git)).toBe(before);
    expect(raw(dir, "for-each-ref")).toBe(refs);
    expect(raw(dir, "rev-parse", "main")).toBe(main);
  });

  it("refuses the whole batch when a source does not exist", async () => {
    const { dir, store, main } = await repoWithStreams(2);
    await expect(store.mergeBranches([...inputs(2), { source: "ateams/launch/nope", message: "m" }], "main")).rejects.toBeInstanceOf(GitRefNotFoundError);
    expect(raw(dir, "rev-parse", "main")).toBe(main);
  });

  it("merges into a branch that is not checked out without touching the worktree", async () => {
    const { dir, git, store, main } = await repoWithStreams(3);
    const assembly = (await store.commitFiles({ branch: "ateams/launch/assembly", base: "main", files: [{ path: "out/assembly.md", content: "a\n" }], message: "assembly start" })).sha;
    const before = await checkoutSnapshot(git);

    const { value: results, spawns } = await spawnsOf(() => store.mergeBranches(inputs(3), "ateams/launch/assembly"));

    expect(results.map((r) => r.status)).toEqual(["merged", "merged", "merged"]);
    expect(spawns).toBeLessThanOrEqual(2 * 3 + 1); // merge-tree and commit-tree per source, update-ref
    expect(await checkoutSnapshot(git)).toBe(before);
    expect(raw(dir, "rev-parse", "main")).toBe(main);
    const tip = results[2]!.sha;
    expect(raw(dir, "rev-parse", "ateams/launch/assembly")).toBe(tip);
    expect(raw(dir, "rev-list", "--first-parent", "--format=%s", "--no-commit-header", `${assembly}..${tip}`).split("\n")).toEqual(["Merge s2", "Merge s1", "Merge s0"]);
    expect(await store.listFiles(tip, "out")).toEqual(["out/assembly.md", "out/plan.md", "out/s0.md", "out/s1.md", "out/s2.md"]);
    expect(await store.fsck()).toEqual({ ok: true, output: "" });
  });
});
