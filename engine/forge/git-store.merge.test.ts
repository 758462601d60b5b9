import { chmod, lstat, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitCommandError, GitDirtyWorktreeError, GitRefNotFoundError, UnsafePathError } from "./errors.ts";
import { openGitStore, type GitStore } from "./git-store.ts";
import { checkoutSnapshot, commitCount, initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";
import { fsck, listFiles } from "../../test/support/git-health.ts";
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
  expect(fsck(store.dir)).toEqual({ code: 0, output: "" });
}

describe("GitStore.mergeBranch", () => {
  it("merges a stream into the checked-out branch with a two-parent merge commit, keeping unrelated local edits", async () => {
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
    // The user's reflogs (HEAD's and the branch's) say what moved their branch.
    for (const ref of ["HEAD", "main"]) expect((await git.raw(["reflog", "-1", "--format=%H %gs", ref])).trim()).toBe(`${sha} ateams: merge ${STREAM} into main`);
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
    expect(listFiles(store.dir, sha, "out")).toEqual(["out/assembly.md", "out/plan.md", "out/research.md"]);
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

/** A user commit on `branch` (created from main when new), then back on main: what `git merge` would bring in. */
async function userBranch(git: SimpleGit, dir: string, branch: string, change: () => Promise<void>): Promise<string> {
  await git.raw(["switch", "-q", "-C", branch, "main"]);
  await change();
  await git.raw(["add", "-A"]);
  await git.raw(["commit", "-q", "-m", `on ${branch}`]);
  await git.raw(["switch", "-q", "main"]);
  return (await git.revparse([branch])).trim();
}

describe("GitStore.mergeBranch into the checked-out branch", () => {
  it("leaves the user's staged and unstaged changes on other paths as they were, and commits none of them", async () => {
    const { dir, git, store, main } = await repoWithStream();
    await writeFile(join(dir, "README.md"), "unstaged edit\n");
    await writeFile(join(dir, "staged.md"), "staged by the user\n");
    await git.add("staged.md");
    await writeFile(join(dir, "shared.md"), "staged edit\n");
    await git.add("shared.md");
    await writeFile(join(dir, "scratch.md"), "untracked\n");

    const r = await store.mergeBranch({ source: STREAM, into: "main", message: "Merge research" });

    expect(r.status).toBe("merged");
    const sha = (r as { sha: string }).sha;
    expect(listFiles(store.dir, sha)).toEqual(["README.md", "out/plan.md", "out/research.md", "shared.md"]);
    expect(await store.readFile(sha, "shared.md")).toBe("line 1\n");
    expect((await git.raw(["rev-parse", `${sha}^1`])).trim()).toBe(main);
    const status = (await git.raw(["status", "--porcelain"])).split("\n").filter(Boolean).sort();
    expect(status).toEqual([" M README.md", "?? scratch.md", "A  staged.md", "M  shared.md"]);
    expect(await readFile(join(dir, "out/research.md"), "utf8")).toBe("# Findings\n");
    await expectSound(store);
  });

  it("refuses when a path the merge changes has a staged change, an unstaged edit or an untracked directory in the way", async () => {
    const cases: [string, (dir: string, git: SimpleGit) => Promise<void>, string[]][] = [
      ["staged", async (dir, git) => {
        await mkdir(join(dir, "out"), { recursive: true });
        await writeFile(join(dir, "out/research.md"), "staged draft\n");
        await git.add("out/research.md");
      }, ["out/research.md"]],
      ["edited", async (dir) => writeFile(join(dir, "shared.md"), "user edit\n"), ["shared.md"]],
      ["untracked below", async (dir) => {
        await mkdir(join(dir, "out/research.md"), { recursive: true });
        await writeFile(join(dir, "out/research.md/mine.txt"), "mine\n");
      }, ["out/research.md/mine.txt"]],
      ["empty directory", async (dir) => void (await mkdir(join(dir, "out/research.md"), { recursive: true })), ["out/research.md"]],
    ];
    for (const [label, dirty, paths] of cases) {
      const { dir, git, store } = await repoWithStream();
      // The stream also rewrites shared.md, so an edit of it is in the way.
      await store.commitFiles({ branch: STREAM, files: [{ path: "shared.md", content: "stream's line\n" }], message: "shared too" });
      await dirty(dir, git);
      const tip = await store.resolveRef("main");
      const before = await checkoutSnapshot(git);
      await expect(store.mergeBranch({ source: STREAM, into: "main", message: "Merge" }), label).rejects.toSatisfy(
        (e) => e instanceof GitDirtyWorktreeError && e.paths.join() === paths.join(),
      );
      expect(await checkoutSnapshot(git), label).toBe(before);
      expect(await store.resolveRef("main"), label).toBe(tip);
    }
  });

  it("follows deletions, executable bits and symlinks, and leaves a clean status", async () => {
    const { dir, git, store } = await repoWithStream();
    await mkdir(join(dir, "docs"));
    await userCommit(git, dir, { "tool.sh": "#!/bin/sh\n", "docs/old.md": "old\n" }, "tools");
    const feature = await userBranch(git, dir, "feature", async () => {
      await chmod(join(dir, "tool.sh"), 0o755);
      await symlink("README.md", join(dir, "link"));
      await git.raw(["rm", "-q", "docs/old.md"]);
    });
    await store.commitFiles({ branch: "main", files: [{ path: "main.md", content: "main moved on\n" }], message: "no fast-forward" });

    const r = await store.mergeBranch({ source: "feature", into: "main", message: "Merge feature" });

    expect(r.status).toBe("merged");
    expect((await git.raw(["rev-parse", `${(r as { sha: string }).sha}^2`])).trim()).toBe(feature);
    expect((await stat(join(dir, "tool.sh"))).mode & 0o111).not.toBe(0);
    expect((await lstat(join(dir, "link"))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, "link"))).toBe("README.md");
    await expect(stat(join(dir, "docs"))).rejects.toThrow(); // emptied, so removed
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
    expect((await git.raw(["diff-index", "--cached", "HEAD"])).trim()).toBe("");
    await expectSound(store);
  });

  it("refuses what the working tree cannot follow (a file becoming a directory, a symlinked directory), writing nothing", async () => {
    const { dir, git, store } = await repoWithStream();
    await userBranch(git, dir, "feature", async () => {
      await git.raw(["rm", "-q", "shared.md"]);
      await mkdir(join(dir, "shared.md"));
      await writeFile(join(dir, "shared.md/part.md"), "part\n");
    });
    const tip = await store.resolveRef("main");
    const before = await checkoutSnapshot(git);
    await expect(store.mergeBranch({ source: "feature", into: "main", message: "Merge" })).rejects.toBeInstanceOf(UnsafePathError);
    expect(await checkoutSnapshot(git)).toBe(before);
    expect(await store.resolveRef("main")).toBe(tip);

    await store.commitFiles({ branch: "ateams/launch/docs", base: "main", files: [{ path: "docs/x.md", content: "x\n" }], message: "docs" });
    const outside = await dirs.make();
    await symlink(outside, join(dir, "docs"));
    await expect(store.mergeBranch({ source: "ateams/launch/docs", into: "main", message: "Merge" })).rejects.toBeInstanceOf(UnsafePathError);
    await expect(stat(join(outside, "x.md"))).rejects.toThrow();
    expect(await store.resolveRef("main")).toBe(tip);
  });

  it("completes a merge that an index.lock interrupted after the files were written, over what it wrote itself", async () => {
    const { dir, git, store, main } = await repoWithStream();
    await store.commitFiles({ branch: STREAM, files: [{ path: "shared.md", content: "stream's line\n" }], message: "shared too" });
    await writeFile(join(dir, ".git/index.lock"), "");
    await expect(store.mergeBranch({ source: STREAM, into: "main", message: "Merge" })).rejects.toBeInstanceOf(GitCommandError);
    expect(await store.resolveRef("main")).toBe(main);
    await rm(join(dir, ".git/index.lock"));
    // The files are there, unstaged, each exactly what the merge writes: the next attempt takes them over.
    expect((await git.raw(["status", "--porcelain"])).split("\n").filter(Boolean).sort()).toEqual([" M shared.md", "?? out/research.md"]);

    const r = await store.mergeBranch({ source: STREAM, into: "main", message: "Merge" });
    expect(r.status).toBe("merged");
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
    expect(await readFile(join(dir, "shared.md"), "utf8")).toBe("stream's line\n");
    await expectSound(store);
  });

  it("notices a branch switch made with git between two merges", async () => {
    const { dir, git, store } = await repoWithStream();
    expect((await store.mergeBranch({ source: STREAM, into: "main", message: "m" })).status).toBe("merged");
    await git.raw(["switch", "-q", "-c", "other", STREAM]);
    await store.commitFiles({ branch: "ateams/launch/more", base: "main", files: [{ path: "more.md", content: "more\n" }], message: "more" });
    // main is no longer checked out: merging into it leaves the working tree alone; into `other` it follows.
    expect((await store.mergeBranch({ source: "ateams/launch/more", into: "main", message: "m" })).status).toBe("merged");
    await expect(stat(join(dir, "more.md"))).rejects.toThrow();
    expect((await store.mergeBranch({ source: "ateams/launch/more", into: "other", message: "m" })).status).toBe("merged");
    expect(await readFile(join(dir, "more.md"), "utf8")).toBe("more\n");
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
  });
});

