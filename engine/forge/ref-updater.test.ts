import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitCommandError } from "./errors.ts";
import { gitProcessesStarted } from "./git-runner.ts";
import { openGitStore } from "./git-store.ts";
import { createRefUpdater } from "./ref-updater.ts";
import { COMMIT_REFLOG_MESSAGE, createStoreContext, type StoreContext } from "./store-context.ts";
import { initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";

const dirs = tempDirs();
let dir: string;
let a: string;
let b: string;
let ctx: StoreContext;
const ZERO = "0".repeat(40);
const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
const tip = (ref: string): string | undefined => {
  try {
    return git("rev-parse", "--verify", "-q", ref);
  } catch {
    return undefined;
  }
};

beforeAll(async () => {
  await isolateGitConfig(dirs);
  dir = await dirs.make();
  const g = await initRepo(dir);
  a = await userCommit(g, dir, { "a.md": "a\n" }, "a");
  b = await userCommit(g, dir, { "a.md": "b\n" }, "b");
  ctx = await createStoreContext(dir);
});
afterAll(async () => {
  await ctx.close();
  await dirs.cleanup();
});

describe("RefUpdater (one long-lived update-ref --stdin)", () => {
  it("creates, moves and deletes refs as compare-and-swaps, with one process", async () => {
    const refs = createRefUpdater(dir, ZERO, "ateams: test");
    try {
      const before = gitProcessesStarted();
      await refs.update("refs/heads/x", a, undefined);
      expect(tip("refs/heads/x")).toBe(a);
      await refs.update("refs/heads/x", b, a);
      expect(tip("refs/heads/x")).toBe(b);
      expect(git("reflog", "-1", "--format=%gs", "refs/heads/x")).toBe("ateams: test");
      await refs.update("refs/heads/x", undefined, b);
      expect(tip("refs/heads/x")).toBeUndefined();
      expect(gitProcessesStarted() - before).toBe(1);
    } finally {
      await refs.close();
    }
  });

  it("refuses when the ref is not where it is expected, changing nothing, and goes on with a new process", async () => {
    const refs = createRefUpdater(dir, ZERO, "ateams: test");
    try {
      await refs.update("refs/heads/y", a, undefined);
      const refused = await refs.update("refs/heads/y", b, undefined).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GitCommandError);
      expect((refused as GitCommandError).stderr).toMatch(/cannot lock ref/);
      await expect(refs.update("refs/heads/y", b, b)).rejects.toBeInstanceOf(GitCommandError);
      await expect(refs.update("refs/heads/y", undefined, b)).rejects.toBeInstanceOf(GitCommandError);
      expect(tip("refs/heads/y")).toBe(a);
      await refs.update("refs/heads/y", b, a);
      expect(tip("refs/heads/y")).toBe(b);
    } finally {
      await refs.close();
    }
  });

  it("fails only the refused update among many sent at once", async () => {
    const refs = createRefUpdater(dir, ZERO, "ateams: test");
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => (i === 5 ? refs.update("refs/heads/p5", b, a) : refs.update(`refs/heads/p${i}`, a, undefined))),
      );
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i === 5 ? "rejected" : "fulfilled")));
      for (let i = 0; i < 12; i++) expect(tip(`refs/heads/p${i}`)).toBe(i === 5 ? undefined : a);
    } finally {
      await refs.close();
    }
  });

  it("refuses what would break its protocol, without asking git", async () => {
    const refs = createRefUpdater(dir, ZERO, "ateams: test");
    const before = gitProcessesStarted();
    await expect(refs.update("refs/heads/a b", a, undefined)).rejects.toThrow(/refusing/);
    await expect(refs.update("refs/heads/z", `${a}\0`, undefined)).rejects.toThrow(/refusing/);
    await expect(refs.update("refs/heads/z", undefined, undefined)).rejects.toThrow(/expected/);
    expect(gitProcessesStarted()).toBe(before);
    await refs.close();
  });
});

describe("StoreContext.casUpdateRef without a reason (the long-lived process)", () => {
  it("creates, moves and deletes; false when someone else moved the ref first", async () => {
    expect(await ctx.casUpdateRef("refs/heads/c", a, undefined)).toBe(true);
    expect(git("reflog", "-1", "--format=%gs", "refs/heads/c")).toBe(COMMIT_REFLOG_MESSAGE);
    expect(await ctx.casUpdateRef("refs/heads/c", b, undefined)).toBe(false);
    expect(await ctx.casUpdateRef("refs/heads/c", b, b)).toBe(false);
    expect(await ctx.casUpdateRef("refs/heads/c", b, a)).toBe(true);
    expect(await ctx.casUpdateRef("refs/heads/c", undefined, a)).toBe(false);
    expect(await ctx.casUpdateRef("refs/heads/c", undefined, b)).toBe(true);
    expect(tip("refs/heads/c")).toBeUndefined();
    // With a reason: a spawned update-ref, whose reflog says it.
    expect(await ctx.casUpdateRef("refs/heads/c", a, undefined, "ateams: why")).toBe(true);
    expect(git("reflog", "-1", "--format=%gs", "refs/heads/c")).toBe("ateams: why");
    expect(await ctx.casUpdateRef("refs/heads/c", undefined, b, "ateams: why")).toBe(false);
    expect(await ctx.casUpdateRef("refs/heads/c", undefined, a, "ateams: gone")).toBe(true);
    expect(tip("refs/heads/c")).toBeUndefined();
  });

  it("a lock left by a killed process is an error naming it, not a lost race; the next update works", async () => {
    expect(await ctx.casUpdateRef("refs/heads/l", a, undefined)).toBe(true);
    const lock = join(dir, ".git", "refs", "heads", "l.lock");
    writeFileSync(lock, "");
    try {
      const error = await ctx.casUpdateRef("refs/heads/l", b, a).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitCommandError);
      expect((error as GitCommandError).stderr).toMatch(/l\.lock': File exists/);
      expect(tip("refs/heads/l")).toBe(a);
    } finally {
      rmSync(lock);
    }
    expect(await ctx.casUpdateRef("refs/heads/l", b, a)).toBe(true);
    expect(tip("refs/heads/l")).toBe(b);
  });
});

describe("commitFiles over a ref lock left by a killed process", () => {
  it("fails at once with git's words, commits nothing, and works once the lock is gone", async () => {
    const store = await openGitStore(dir);
    const lock = join(dir, ".git", "refs", "heads", "locked.lock");
    try {
      await store.commitFiles({ branch: "locked", files: [{ path: "l.md", content: "1" }], message: "one" });
      const before = tip("refs/heads/locked");
      writeFileSync(lock, "");
      const error = await store.commitFiles({ branch: "locked", files: [{ path: "l.md", content: "2" }], message: "two" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitCommandError);
      expect((error as GitCommandError).stderr).toMatch(/locked\.lock': File exists/);
      expect(tip("refs/heads/locked")).toBe(before);
      rmSync(lock);
      expect((await store.commitFiles({ branch: "locked", files: [{ path: "l.md", content: "2" }], message: "two" })).changed).toBe(true);
    } finally {
      rmSync(lock, { force: true });
      await store.close();
    }
  });
});
