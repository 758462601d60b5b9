import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitConflictError } from "./errors.ts";
import { openGitStore, type GitStore } from "./git-store.ts";
import { cloneRepo, initBare, initRepo, isolateGitConfig, runRaceWorker, tempDirs, userCommit } from "../../test/support/forge/repos.ts";
import { fsck, listFiles } from "../../test/support/git-health.ts";
import { TRAILER_KEYS } from "./trailers.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

/** A bare remote whose main has one commit, and a helper to clone it. */
async function remoteWithMain() {
  const remote = await dirs.make("ateams-remote-");
  await initBare(remote);
  const seed = await dirs.make();
  const git = await initRepo(seed);
  await userCommit(git, seed, { "README.md": "hello\n" }, "initial");
  await git.addRemote("origin", remote);
  await git.push("origin", "main");
  const clone = async () => {
    const dir = join(await dirs.make(), "clone");
    return { dir, git: await cloneRepo(remote, dir), store: await openGitStore(dir) };
  };
  return { remote, bare: await openGitStore(remote), clone };
}

const commitOne = (store: GitStore, branch: string, path: string, task: string) =>
  store.commitFiles({ branch, files: [{ path, content: `${task}\n` }], message: `task ${task}`, trailers: { [TRAILER_KEYS.task]: task } });

async function tasksOn(bare: GitStore, ref: string): Promise<string[]> {
  return (await bare.log({ ref })).map((c) => c.trailers[TRAILER_KEYS.task]).filter((t): t is string => t !== undefined).sort();
}

describe("GitStore.push", () => {
  it("pushes a stream branch to a bare remote, creating it there", async () => {
    const { bare, clone } = await remoteWithMain();
    const a = await clone();
    const { sha } = await commitOne(a.store, "ateams/p/s", "out/a.md", "a");
    expect(await a.store.push("ateams/p/s")).toEqual({ sha, attempts: 1, replayed: 0 });
    expect(await bare.resolveRef("ateams/p/s")).toBe(sha);
    expect(await bare.readFile("ateams/p/s", "out/a.md")).toBe("a\n");
    // Nothing new: pushing again is a no-op that still succeeds.
    expect(await a.store.push("ateams/p/s")).toEqual({ sha, attempts: 1, replayed: 0 });
  });

  it("replays local commits onto a remote that moved, never force-pushing", async () => {
    const { bare, clone } = await remoteWithMain();
    const a = await clone();
    const b = await clone();
    await commitOne(a.store, "main", "out/a.md", "a");
    await a.store.push("main");
    await commitOne(b.store, "main", "out/b1.md", "b1");
    await commitOne(b.store, "main", "out/b2.md", "b2");

    const r = await b.store.push("main");

    expect(r).toMatchObject({ attempts: 2, replayed: 2 });
    expect(await tasksOn(bare, "main")).toEqual(["a", "b1", "b2"]);
    expect(await bare.resolveRef("main")).toBe(r.sha);
    // b's checkout followed its rebased branch: clean, and holding a's file too.
    expect(await b.store.head()).toEqual({ branch: "main", commit: r.sha });
    expect((await b.git.status()).isClean()).toBe(true);
    expect(await readFile(join(b.dir, "out/a.md"), "utf8")).toBe("a\n");
    expect(fsck(bare.dir)).toEqual({ code: 0, output: "" });
  });

  it("keeps a local user edit when the checked-out branch is rebased for a push", async () => {
    const { clone } = await remoteWithMain();
    const a = await clone();
    const b = await clone();
    await commitOne(a.store, "main", "out/a.md", "a");
    await a.store.push("main");
    await commitOne(b.store, "main", "out/b.md", "b");
    await writeFile(join(b.dir, "README.md"), "draft\n");
    await b.store.push("main");
    expect(await readFile(join(b.dir, "README.md"), "utf8")).toBe("draft\n");
    expect((await b.git.raw(["status", "--porcelain"])).trim()).toBe("M README.md");
  });

  it("refuses with GitConflictError when our commits cannot be replayed, leaving the local branch as it was", async () => {
    const { bare, clone } = await remoteWithMain();
    const a = await clone();
    const b = await clone();
    await commitOne(a.store, "ateams/p/s", "out/same.md", "from-a");
    await a.store.push("ateams/p/s");
    const local = (await commitOne(b.store, "ateams/p/s", "out/same.md", "from-b")).sha;
    await expect(b.store.push("ateams/p/s")).rejects.toSatisfy((e) => e instanceof GitConflictError && e.paths.join() === "out/same.md");
    expect(await b.store.resolveRef("ateams/p/s")).toBe(local);
    expect(await tasksOn(bare, "ateams/p/s")).toEqual(["from-a"]);
    expect((await b.git.raw(["worktree", "list", "--porcelain"])).match(/^worktree /gm)).toHaveLength(1);
    expect(fsck(b.store.dir)).toEqual({ code: 0, output: "" });
  });

  it("loses nothing when two stores push the same branch at the same time, over and over", async () => {
    const { bare, clone } = await remoteWithMain();
    const a = await clone();
    const b = await clone();
    const rounds = 4;
    const side = async (c: { store: GitStore }, label: string) => {
      for (let i = 0; i < rounds; i++) {
        await commitOne(c.store, "ateams/p/s", `out/${label}${i}.md`, `${label}${i}`);
        await c.store.push("ateams/p/s");
      }
    };
    await Promise.all([side(a, "a"), side(b, "b")]);
    const expected = ["a", "b"].flatMap((l) => Array.from({ length: rounds }, (_, i) => `${l}${i}`)).sort();
    expect(await tasksOn(bare, "ateams/p/s")).toEqual(expected);
    expect(listFiles(bare.dir, "ateams/p/s", "out")).toHaveLength(2 * rounds);
    expect(fsck(bare.dir)).toEqual({ code: 0, output: "" });
  });

  it("loses nothing when two OS processes push the same branch at the same time", async () => {
    const { remote, bare, clone } = await remoteWithMain();
    const a = await clone();
    const b = await clone();
    const count = 5;
    const startAt = String(Date.now() + 1500);
    const outputs = await Promise.all([runRaceWorker([a.dir, "main", "a", String(count), startAt]), runRaceWorker([b.dir, "main", "b", String(count), startAt])]);
    expect(outputs.map((o) => JSON.parse(o)).flat()).toHaveLength(2 * count);
    const expected = ["a", "b"].flatMap((l) => Array.from({ length: count }, (_, i) => `${l}-${i}`)).sort();
    expect(await tasksOn(bare, "main")).toEqual(expected);
    // Every commit once (joins of concurrent pushes are merges, which rewrite nothing).
    expect(Number((await simpleGit(remote).raw(["rev-list", "--count", "--no-merges", "main"])).trim())).toBe(1 + 2 * count);
    expect(fsck(bare.dir)).toEqual({ code: 0, output: "" });
  });
});

