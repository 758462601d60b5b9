import { execFileSync } from "node:child_process";
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GitDirtyWorktreeError, GitRefNotFoundError, InvalidRefNameError, UnsafePathError } from "./errors.ts";
import { openGitStore } from "./git-store.ts";
import { FALLBACK_IDENTITY } from "./identity.ts";
import { checkoutSnapshot, commitCount, initRepo, isolateGitConfig, runRaceWorker, tempDirs, TEST_IDENTITY, userCommit } from "../../test/support/forge/repos.ts";
import { fsck, listFiles } from "../../test/support/git-health.ts";
import { TRAILER_KEYS } from "./trailers.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

/** A repository with one commit on main, as a user would have it. */
async function userRepo() {
  const dir = await dirs.make();
  const git = await initRepo(dir);
  await userCommit(git, dir, { "README.md": "hello\n", "notes.txt": "v1\n" }, "initial");
  return { dir, git, store: await openGitStore(dir) };
}

let fsckDirs: string[] = [];
afterEach(async () => {
  // Every repository a test touched must still be sound.
  for (const dir of fsckDirs.splice(0)) expect(fsck(dir)).toEqual({ code: 0, output: "" });
});

describe("GitStore.commitFiles", () => {
  it("makes the first commit of an empty repository on its unborn branch", async () => {
    const dir = await dirs.make();
    const git = await initRepo(dir);
    const store = await openGitStore(dir);
    fsckDirs.push(dir);
    expect(await store.head()).toEqual({ branch: "main", commit: undefined });

    const r = await store.commitFiles({ branch: "main", files: [{ path: "agency/agency.yaml", content: "name: x\n" }], message: "init agency" });
    expect(r).toMatchObject({ changed: true, created: true, parent: undefined });
    expect(await store.head()).toEqual({ branch: "main", commit: r.sha });
    // main is checked out, so the file is in the working tree and the index agrees with the commit.
    expect(await readFile(join(dir, "agency/agency.yaml"), "utf8")).toBe("name: x\n");
    expect((await git.status()).isClean()).toBe(true);
    expect((await git.raw(["rev-list", "--parents", "-n1", "HEAD"])).trim()).toBe(r.sha);
  });

  it("commits to a branch that is not checked out without touching the worktree, the index or the user's edits", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    await writeFile(join(dir, "notes.txt"), "user edit in progress\n");
    await writeFile(join(dir, "staged.txt"), "staged by the user\n");
    await git.add("staged.txt");
    await writeFile(join(dir, "scratch.txt"), "untracked\n");
    const before = await checkoutSnapshot(git);

    const r = await store.commitFiles({
      branch: "ateams/launch/research",
      files: [
        { path: "agency/projects/launch/outputs/research/scan.md", content: "# Scan\n" },
        { path: "notes.txt", content: "agent version\n" },
      ],
      message: "task scan: output",
      trailers: { [TRAILER_KEYS.task]: "scan" },
    });

    expect(r).toMatchObject({ changed: true, created: true });
    expect(await checkoutSnapshot(git)).toBe(before);
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("user edit in progress\n");
    expect(await store.readFile("ateams/launch/research", "notes.txt")).toBe("agent version\n");
    expect(await store.readFile("ateams/launch/research", "README.md")).toBe("hello\n");
    // Branched from HEAD by default: one commit on top of main.
    expect((await git.raw(["rev-parse", `${r.sha}^`])).trim()).toBe((await git.revparse(["main"])).trim());
    expect(r.parent).toBe((await git.revparse(["main"])).trim());
  });

  it("tells onCommit of the commit and its parents before the branch points at it", async () => {
    const { dir, store } = await userRepo();
    fsckDirs.push(dir);
    const main = await store.resolveRef("main");
    // Asked synchronously inside the callback: where the branch points at that moment.
    const tip = (branch: string) => execFileSync("git", ["rev-parse", "-q", "--verify", `refs/heads/${branch}`], { cwd: dir, encoding: "utf8" }).trim() || undefined;
    const told: { sha: string; parents: readonly string[]; tip: string | undefined }[] = [];
    const tell = (branch: string) => (sha: string, parents: readonly string[]) => void told.push({ sha, parents, tip: tipOrNone(branch) });
    const tipOrNone = (branch: string) => {
      try {
        return tip(branch);
      } catch {
        return undefined;
      }
    };
    const first = await store.commitFiles({ branch: "ateams/p/s", base: "main", files: [{ path: "out/a.md", content: "a\n" }], message: "a", onCommit: tell("ateams/p/s") });
    const second = await store.commitFiles({ branch: "ateams/p/s", files: [{ path: "out/a.md", content: "b\n" }], message: "b", onCommit: tell("ateams/p/s") });
    const merged = await store.mergeBranch({ source: "ateams/p/s", into: "main", message: "merge", onCommit: tell("main") });
    expect(told).toEqual([
      { sha: first.sha, parents: [main], tip: undefined },
      { sha: second.sha, parents: [first.sha], tip: first.sha },
      { sha: merged.sha, parents: [main, second.sha], tip: main },
    ]);
    // Nothing written is not told.
    await store.commitFiles({ branch: "ateams/p/s", files: [{ path: "out/a.md", content: "b\n" }], message: "b again", onCommit: tell("ateams/p/s") });
    expect(told).toHaveLength(3);
  });

  it("makes no commit when the content is already there (a re-run)", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    const files = [{ path: "out/a.md", content: "A\n" }];
    const first = await store.commitFiles({ branch: "ateams/p/s", files, message: "a" });
    const again = await store.commitFiles({ branch: "ateams/p/s", files, message: "a" });
    expect(again).toEqual({ sha: first.sha, changed: false, created: false, parent: first.sha });
    expect(await commitCount(git, "ateams/p/s")).toBe(2);

    // A new branch whose files match its base is created at the base, without an empty commit.
    const same = await store.commitFiles({ branch: "ateams/p/t", files: [{ path: "README.md", content: "hello\n" }], message: "noop" });
    const main = (await git.revparse(["main"])).trim();
    expect(same).toEqual({ sha: main, changed: false, created: true, parent: main });
  });

  it("deletes files, and on the checked-out branch removes them from the worktree and prunes empty directories", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    await store.commitFiles({ branch: "main", files: [{ path: "out/deep/x.md", content: "x\n" }], message: "add" });
    const r = await store.commitFiles({
      branch: "main",
      files: [
        { path: "out/deep/x.md", content: null },
        { path: "notes.txt", content: null },
      ],
      message: "remove",
    });
    expect(r.changed).toBe(true);
    expect(await store.readFile("main", "notes.txt")).toBeUndefined();
    expect(listFiles(store.dir, "main")).toEqual(["README.md"]);
    await expect(stat(join(dir, "out"))).rejects.toThrow();
    expect((await git.status()).isClean()).toBe(true);
    // Deleting what is already gone is a no-op.
    expect((await store.commitFiles({ branch: "main", files: [{ path: "notes.txt", content: null }], message: "again" })).changed).toBe(false);
  });

  it("commits only its own paths to the checked-out branch and leaves the user's other changes as they were", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    await writeFile(join(dir, "notes.txt"), "unstaged user edit\n");
    await writeFile(join(dir, "staged.txt"), "staged\n");
    await git.add("staged.txt");
    await writeFile(join(dir, "scratch.txt"), "untracked\n");

    const r = await store.commitFiles({ branch: "main", files: [{ path: "out/report.md", content: "# Report\n" }], message: "report" });

    expect(listFiles(store.dir, r.sha)).toEqual(["README.md", "notes.txt", "out/report.md"]);
    expect(await store.readFile(r.sha, "notes.txt")).toBe("v1\n");
    expect(await readFile(join(dir, "out/report.md"), "utf8")).toBe("# Report\n");
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("unstaged user edit\n");
    const status = await git.raw(["status", "--porcelain"]);
    expect(status.split("\n").filter(Boolean).sort()).toEqual([" M notes.txt", "?? scratch.txt", "A  staged.txt"]);
  });

  it("stages writes and deletions of odd names on the checked-out branch in one update-index, leaving a clean status", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    const names = ["-x.md", "--force-remove", "sp ace.md", "*.md", "ünï.md", "-q"];
    await store.commitFiles({ branch: "main", files: names.map((path) => ({ path, content: `${path}\n` })), message: "odd names" });
    for (const name of names) expect(await readFile(join(dir, name), "utf8")).toBe(`${name}\n`);
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
    // The index has the files' stat data, so nothing needs a re-hash.
    expect((await git.raw(["diff-files", "--name-only"])).trim()).toBe("");

    const r = await store.commitFiles({ branch: "main", files: names.map((path) => ({ path, content: null })), message: "gone" });
    expect(listFiles(store.dir, r.sha)).toEqual(["README.md", "notes.txt"]);
    for (const name of names) await expect(stat(join(dir, name))).rejects.toThrow();
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("");
  });

  it("with writeWorktree: false stages the committed blob and leaves a newer file in the working tree alone", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    await writeFile(join(dir, "notes.txt"), "newer than the commit\n");
    const r = await store.commitFiles({ branch: "main", files: [{ path: "notes.txt", content: "committed\n" }], message: "m", writeWorktree: false });
    expect(await store.readFile(r.sha, "notes.txt")).toBe("committed\n");
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("newer than the commit\n");
    expect((await git.raw(["status", "--porcelain"])).trim()).toBe("M notes.txt");
    expect((await git.raw(["diff", "--cached", "--name-only"])).trim()).toBe("");
  });

  it("refuses to write where the user has an untracked file or directory in the way, before writing anything", async () => {
    const { dir, git, store } = await userRepo();
    await writeFile(join(dir, "out"), "an untracked file where a directory must go\n");
    await mkdir(join(dir, "empty.md"));
    const before = await checkoutSnapshot(git);
    const tip = (await git.revparse(["main"])).trim();
    for (const path of ["out/report.md", "empty.md"]) {
      await expect(store.commitFiles({ branch: "main", files: [{ path: "first.md", content: "1" }, { path, content: "x" }], message: "m" }), path).rejects.toSatisfy(
        (e) => e instanceof GitDirtyWorktreeError && e.paths.join() === path.split("/")[0],
      );
    }
    await expect(stat(join(dir, "first.md"))).rejects.toThrow();
    expect(await checkoutSnapshot(git)).toBe(before);
    expect((await git.revparse(["main"])).trim()).toBe(tip);
  });

  it("keeps 20 concurrent commits to one branch, each as its own commit", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    const other = await openGitStore(dir); // a second store on the same repository shares the branch lock
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? other : store).commitFiles({ branch: "ateams/p/s", files: [{ path: `out/${i}.md`, content: `${i}\n` }], message: `task ${i}` }),
      ),
    );
    expect(results.every((r) => r.changed)).toBe(true);
    expect(new Set(results.map((r) => r.sha)).size).toBe(20);
    expect(await commitCount(git, "ateams/p/s")).toBe(21);
    expect(listFiles(store.dir, "ateams/p/s", "out").length).toBe(20);
  });

  it("keeps every commit when two OS processes commit to the same branch of one repository (compare-and-swap)", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    const startAt = String(Date.now() + 1500);
    await Promise.all(["a", "b"].map((label) => runRaceWorker([dir, "ateams/p/s", label, "10", startAt, "commit-only"])));
    expect(await commitCount(git, "ateams/p/s")).toBe(21);
    expect(listFiles(store.dir, "ateams/p/s", "out")).toHaveLength(20);
  });

  it("records trailers that log() reads back and filters on", async () => {
    const { dir, store } = await userRepo();
    fsckDirs.push(dir);
    for (const task of ["t1", "t10", "t2"]) {
      await store.commitFiles({
        branch: "ateams/p/s",
        files: [{ path: `${task}.md`, content: task }],
        message: `task ${task}\n\nWhat the specialist did.`,
        trailers: { [TRAILER_KEYS.project]: "p", [TRAILER_KEYS.task]: task, [TRAILER_KEYS.fingerprint]: `fp-${task}` },
      });
    }
    const all = await store.log({ ref: "ateams/p/s" });
    expect(all.map((c) => c.subject)).toEqual(["task t2", "task t10", "task t1", "initial"]);
    const [t1, ...rest] = await store.log({ ref: "ateams/p/s", trailers: { [TRAILER_KEYS.task]: "t1" } });
    expect(rest).toEqual([]);
    expect(t1).toMatchObject({
      subject: "task t1",
      body: "What the specialist did.",
      trailers: { "Ateams-Project": "p", "Ateams-Task": "t1", "Ateams-Fingerprint": "fp-t1" },
      author: TEST_IDENTITY,
    });
    expect(t1!.date).toBeInstanceOf(Date);
    expect(await store.log({ ref: "ateams/p/s", trailers: { [TRAILER_KEYS.project]: "p" }, maxCount: 2 })).toHaveLength(2);
    expect(await store.log({ ref: "ateams/p/none" })).toEqual([]);
  });

  it("refuses unsafe paths before writing anything", async () => {
    const { dir, git, store } = await userRepo();
    const tip = (await git.revparse(["main"])).trim();
    for (const path of ["../escape.md", "/etc/passwd", ".git/config", "a/../../b", "sub/.git/hooks/post-commit"]) {
      await expect(store.commitFiles({ branch: "main", files: [{ path, content: "x" }], message: "bad" }), path).rejects.toBeInstanceOf(UnsafePathError);
    }
    expect((await git.revparse(["main"])).trim()).toBe(tip);
    // A directory symlinked out of the repository is refused too, on the checked-out branch.
    const outside = await dirs.make();
    await symlink(outside, join(dir, "linked"));
    await expect(store.commitFiles({ branch: "main", files: [{ path: "linked/x.md", content: "x" }], message: "bad" })).rejects.toBeInstanceOf(UnsafePathError);
    await expect(stat(join(outside, "x.md"))).rejects.toThrow();
  });

  it("refuses bad branch names and missing bases", async () => {
    const { store } = await userRepo();
    await expect(store.commitFiles({ branch: "bad..name", files: [], message: "x" })).rejects.toBeInstanceOf(InvalidRefNameError);
    await expect(store.commitFiles({ branch: "-x", files: [], message: "x" })).rejects.toBeInstanceOf(InvalidRefNameError);
    await expect(store.commitFiles({ branch: "new", base: "no-such", files: [], message: "x" })).rejects.toBeInstanceOf(GitRefNotFoundError);
  });

  it("starts a new branch from an explicit base and keeps an executable bit when rewriting a file", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    await writeFile(join(dir, "run.sh"), "#!/bin/sh\necho 1\n", { mode: 0o755 });
    await git.add("run.sh");
    await git.commit("script");
    const base = (await git.revparse(["HEAD~1"])).trim();
    const r = await store.commitFiles({ branch: "ateams/p/old", base, files: [{ path: "x.md", content: "x" }], message: "x" });
    expect((await git.raw(["rev-parse", `${r.sha}^`])).trim()).toBe(base);

    await store.commitFiles({ branch: "main", files: [{ path: "run.sh", content: "#!/bin/sh\necho 2\n" }], message: "edit script" });
    expect(await git.raw(["ls-tree", "main", "run.sh"])).toMatch(/^100755 /);
    expect((await stat(join(dir, "run.sh"))).mode & 0o111).not.toBe(0);
    expect((await git.status()).isClean()).toBe(true);
  });

  it("turns a file into a directory on a branch that is not checked out; refuses to on the checked-out one, writing nothing", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    const files = [
      { path: "notes.txt", content: null },
      { path: "notes.txt/part1.md", content: "1\n" },
    ];
    const r = await store.commitFiles({ branch: "ateams/p/s", files, message: "split notes" });
    expect(listFiles(store.dir, r.sha)).toEqual(["README.md", "notes.txt/part1.md"]);
    const back = await store.commitFiles({ branch: "ateams/p/s", files: [{ path: "notes.txt", content: "whole\n" }], message: "join notes" });
    expect(listFiles(store.dir, back.sha)).toEqual(["README.md", "notes.txt"]);

    const before = await checkoutSnapshot(git);
    const tip = (await git.revparse(["main"])).trim();
    await expect(store.commitFiles({ branch: "main", files, message: "split notes" })).rejects.toBeInstanceOf(UnsafePathError);
    expect(await checkoutSnapshot(git)).toBe(before);
    expect((await git.revparse(["main"])).trim()).toBe(tip);
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("v1\n");
  });

  it("stores bytes exactly, including binary content and CRLF", async () => {
    const { dir, git, store } = await userRepo();
    fsckDirs.push(dir);
    const bytes = new Uint8Array([0, 1, 2, 255, 13, 10]);
    const r = await store.commitFiles({ branch: "ateams/p/bin", files: [{ path: "b.bin", content: bytes }, { path: "w.txt", content: "a\r\nb\r\n" }], message: "bin" });
    const blob = await simpleGit(dir).binaryCatFile(["blob", `${r.sha}:b.bin`]);
    expect(new Uint8Array(blob)).toEqual(bytes);
    expect(await store.readFile(r.sha, "w.txt")).toBe("a\r\nb\r\n");
    expect(await commitCount(git, "ateams/p/bin")).toBe(2);
  });

  it("works from a subdirectory: paths are always relative to the repository root", async () => {
    const { dir, git } = await userRepo();
    fsckDirs.push(dir);
    await mkdir(join(dir, "sub"));
    const store = await openGitStore(join(dir, "sub"));
    await store.commitFiles({ branch: "main", files: [{ path: "top.md", content: "t" }], message: "top" });
    expect(await readFile(join(dir, "top.md"), "utf8")).toBe("t");
    expect((await git.status()).isClean()).toBe(true);
  });
});

describe("commit identity", () => {
  it("falls back to the ateams identity when none is configured", async () => {
    const dir = await dirs.make();
    await initRepo(dir, { identity: false });
    const store = await openGitStore(dir);
    fsckDirs.push(dir);
    const r = await store.commitFiles({ branch: "main", files: [{ path: "a", content: "a" }], message: "a" });
    const [c] = await store.log({ ref: r.sha });
    expect(c!.author).toEqual(FALLBACK_IDENTITY);
    expect((await simpleGit(dir).raw(["log", "-1", "--format=%cn <%ce>"])).trim()).toBe(`${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`);
  });

  it("uses the repository's configured identity when there is one", async () => {
    const { store } = await userRepo();
    const r = await store.commitFiles({ branch: "x", files: [{ path: "a", content: "a" }], message: "a" });
    expect((await store.log({ ref: r.sha, maxCount: 1 }))[0]!.author).toEqual(TEST_IDENTITY);
  });
});

