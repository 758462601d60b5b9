import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitDirtyWorktreeError, GitRefNotFoundError } from "./errors.ts";
import { openGitStore, type GitStore } from "./git-store.ts";
import { checkoutSnapshot, commitCount, initRepo, isolateGitConfig, tempDirs, userCommit } from "./test-fixtures/repos.ts";
import { TRAILER_KEYS } from "./trailers.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

const STREAM = "ateams/launch/research";

/** main with one user commit, a stream branch with an agent output, and main moved on since (so no fast-forward). */
async function repoWithStream(): Promise<{ dir: string; git: SimpleGit; store: GitStore; main: string; stream: string }> {
  const dir = await dirs.make();
  const git = await initRepo(dir);
  await userCommit(git, dir, { "README.md": "hello\n", "shared.md": "line 1\n" }, "initial");
  const store = await openGitStore(dir);
  const stream = (await store.commitFiles({ branch: STREAM, files: [{ path: "out/research.md", content: "# Findings\n" }], message: "task research" })).sha;
  const main = (await store.commitFiles({ branch: "main", files: [{ path: "out/plan.md", content: "plan\n" }], message: "plan" })).sha;
  return { dir, git, store, main, stream };
}

async function expectSound(store: GitStore) {
  expect(await store.fsck()).toEqual({ ok: true, output: "" });
}

describe("GitStore.mergeBranch", () => {
  it("merges a stream into the checked-out branch with a real merge commit, keeping unrelated local edits", async () => {
    const { dir, git, store, main, stream } = await repoWithStream();
    await writeFile(join(dir, "README.md"), "user is editing\n");

    const r = await store.mergeBranch({ source: STREAM, into: "main", message: "Merge research", trailers: { [TRAILER_KEYS.kind]: "merge" } });

    expect(r.status).toBe("merged");
    const sha = (r as { sha: string }).sha;
    expect(await store.head()).toEqual({ branch: "main", commit: sha });
    expect((await git.raw(["rev-list", "--parents", "-n1", sha])).trim().split(" ")).toEqual([sha, main, stream]);
    expect(await readFile(join(dir, "out/research.md"), "utf8")).toBe("# Findings\n");
    expect(await readFile(join(dir, "README.md"), "utf8")).toBe("user is editing\n");
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("M README.md");
    const [merge] = await store.log({ ref: "main", maxCount: 1 });
    expect(merge).toMatchObject({ subject: "Merge research", trailers: { "Ateams-Kind": "merge" }, parents: [main, stream] });
    await expectSound(store);
  });

  it("merges into a branch that is not checked out without touching the worktree", async () => {
    const { git, store, main, stream } = await repoWithStream();
    await store.commitFiles({ branch: "ateams/launch/assembly", files: [{ path: "out/assembly.md", content: "a\n" }], message: "assembly start" });
    const assembly = (await store.resolveRef("ateams/launch/assembly"))!;
    const before = await checkoutSnapshot(git);

    const r = await store.mergeBranch({ source: STREAM, into: "ateams/launch/assembly", message: "Assemble research" });

    expect(r.status).toBe("merged");
    const sha = (r as { sha: string }).sha;
    expect(await checkoutSnapshot(git)).toBe(before);
    expect((await git.raw(["rev-list", "--parents", "-n1", sha])).trim().split(" ")).toEqual([sha, assembly, stream]);
    expect(await store.listFiles(sha, "out")).toEqual(["out/assembly.md", "out/plan.md", "out/research.md"]);
    expect(await store.resolveRef("main")).toBe(main);
    await expectSound(store);
  });

  it("does nothing when the stream is already merged", async () => {
    const { git, store } = await repoWithStream();
    const first = await store.mergeBranch({ source: STREAM, into: "main", message: "Merge" });
    const count = await commitCount(git, "main");
    expect(await store.mergeBranch({ source: STREAM, into: "main", message: "Merge again" })).toEqual({ status: "up-to-date", sha: (first as { sha: string }).sha });
    expect(await commitCount(git, "main")).toBe(count);
  });

  it("reports a conflict on a branch that is not checked out and leaves it where it was", async () => {
    const { store } = await repoWithStream();
    await store.commitFiles({ branch: STREAM, files: [{ path: "shared.md", content: "stream says\n" }], message: "s" });
    const target = (await store.commitFiles({ branch: "ateams/launch/assembly", base: "main", files: [{ path: "shared.md", content: "assembly says\n" }], message: "a" })).sha;

    const r = await store.mergeBranch({ source: STREAM, into: "ateams/launch/assembly", message: "Merge" });

    expect(r).toEqual({ status: "conflict", sha: target, paths: ["shared.md"] });
    expect(await store.resolveRef("ateams/launch/assembly")).toBe(target);
  });

  it("reports a conflict on the checked-out branch and leaves a clean worktree, not a half-merge", async () => {
    const { dir, git, store } = await repoWithStream();
    await store.commitFiles({ branch: STREAM, files: [{ path: "shared.md", content: "stream says\n" }], message: "s" });
    const main = (await store.commitFiles({ branch: "main", files: [{ path: "shared.md", content: "main says\n" }], message: "m" })).sha;

    const r = await store.mergeBranch({ source: STREAM, into: "main", message: "Merge" });

    expect(r).toEqual({ status: "conflict", sha: main, paths: ["shared.md"] });
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
    await expect(stat(join(dir, ".git/MERGE_HEAD"))).rejects.toThrow();
    expect(await readFile(join(dir, "shared.md"), "utf8")).toBe("main says\n");
  });

  it("refuses to merge into the checked-out branch over uncommitted changes the merge would overwrite", async () => {
    const { dir, git, store, main } = await repoWithStream();
    await writeFile(join(dir, "out/research.md"), "user draft\n"); // untracked, and the merge would create it
    const before = await checkoutSnapshot(git);
    await expect(store.mergeBranch({ source: STREAM, into: "main", message: "Merge" })).rejects.toSatisfy(
      (e) => e instanceof GitDirtyWorktreeError && e.paths.join() === "out/research.md",
    );
    expect(await checkoutSnapshot(git)).toBe(before);
    expect(await store.resolveRef("main")).toBe(main);
  });

  it("takes glob characters in paths literally when checking for changes in the way", async () => {
    const { dir, git, store } = await repoWithStream();
    await store.commitFiles({ branch: STREAM, files: [{ path: "*.md", content: "star\n" }], message: "odd name" });
    await writeFile(join(dir, "shared.md"), "dirty, but not what the merge touches\n");
    const r = await store.mergeBranch({ source: STREAM, into: "main", message: "Merge" });
    expect(r.status).toBe("merged");
    expect(await readFile(join(dir, "*.md"), "utf8")).toBe("star\n");
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("M shared.md");
  });

  it("says which ref is missing", async () => {
    const { store } = await repoWithStream();
    await expect(store.mergeBranch({ source: "ateams/launch/nope", into: "main", message: "m" })).rejects.toBeInstanceOf(GitRefNotFoundError);
    await expect(store.mergeBranch({ source: STREAM, into: "nope", message: "m" })).rejects.toBeInstanceOf(GitRefNotFoundError);
  });
});
