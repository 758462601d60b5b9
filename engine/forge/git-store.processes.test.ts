import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BatchProcess } from "./batch-process.ts";
import { gitProcessesStarted } from "./git-runner.ts";
import { openGitStore, type GitStore } from "./git-store.ts";
import { initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

async function userRepo(): Promise<{ dir: string; store: GitStore }> {
  const dir = await dirs.make();
  const git = await initRepo(dir);
  await userCommit(git, dir, { "README.md": "hello\n" }, "initial");
  return { dir, store: await openGitStore(dir) };
}

/** Long-lived git processes started by this test process that are still running. */
function batchChildren(): string[] {
  const out = execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((line) => /^git (cat-file|hash-object|mktree|update-ref)/.test(line));
}

const git = (dir: string, ...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

/** Processes started while `work` ran. */
async function spawnsOf(work: () => Promise<unknown>): Promise<number> {
  const before = gitProcessesStarted();
  await work();
  return gitProcessesStarted() - before;
}

/** A task's commit: an output and a work log, five directories deep, on one stream branch. */
const taskCommit = (store: GitStore, n: number) =>
  store.commitFiles({
    branch: "ateams/p/s",
    files: [
      { path: `agency/projects/p/outputs/s/t${n}.md`, content: `${n}\n` },
      { path: "agency/projects/p/log/s/x.md", content: `log ${n}\n` },
    ],
    message: `task ${n}`,
  });

describe("git processes", () => {
  it("costs one process per commit (commit-tree) to a branch that is not checked out, and none per read", async () => {
    const { store } = await userRepo();
    try {
      let n = 0;
      const commit = () => store.commitFiles({ branch: "ateams/p/s", files: [{ path: `out/${n}.md`, content: `${n++}\n` }], message: `task ${n}` });
      await commit(); // warm-up: starts the long-lived processes, reads identity, config and HEAD once
      await store.readFile("main", "README.md");
      // Blobs, trees and the compare-and-swap go through the long-lived processes; whether the branch is checked
      // out is known without asking git.
      expect(await spawnsOf(commit)).toBe(1);
      expect(await spawnsOf(commit)).toBe(1);
      // A new branch of plain components is checked here; one with a dot goes to check-ref-format once.
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/t", files: [{ path: "t.md", content: "t" }], message: "new branch" }))).toBe(1);
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/v1.2", files: [{ path: "t.md", content: "t" }], message: "dotted" }))).toBe(2);
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/v1.2", files: [{ path: "t.md", content: "t3" }], message: "dotted again" }))).toBe(1);
      // The same content again: no commit, no process.
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/v1.2", files: [{ path: "t.md", content: "t3" }], message: "dotted again" }))).toBe(0);
      expect(await spawnsOf(() => store.readFile("ateams/p/s", "out/0.md"))).toBe(0);
      expect(await spawnsOf(() => store.resolveRef("ateams/p/s"))).toBe(0);
      expect(await spawnsOf(() => store.head())).toBe(0);
      expect(await spawnsOf(() => store.parentsOf("ateams/p/s"))).toBe(0);
      expect(await spawnsOf(() => store.listTree("ateams/p/s", "out"))).toBe(0);
      expect(await spawnsOf(() => store.isAncestor("ateams/p/s~1", "ateams/p/s"))).toBe(0); // a parent: known from the commit
      expect(await store.readFile("ateams/p/s", "out/1.md")).toBe("1\n");
    } finally {
      await store.close();
    }
  });

  it("costs 2 processes per commit to the checked-out branch and at most 5 per merge into it", async () => {
    const { dir, store } = await userRepo();
    try {
      let n = 0;
      const commit = () => store.commitFiles({ branch: "main", files: [{ path: `out/${n}.md`, content: `${n++}\n` }, { path: `gone-${n}.md`, content: null }], message: `task ${n}` });
      await commit();
      // commit-tree, and one update-index (stage, unstage, refresh stat data); the ref moves through the long-lived
      // update-ref.
      expect(await spawnsOf(commit)).toBe(2);
      expect(await spawnsOf(commit)).toBe(2);
      const stream = async (i: number) => {
        await store.commitFiles({ branch: `ateams/p/s${i}`, files: [{ path: `s${i}/a.md`, content: `${i}\n` }], message: `s${i}` });
        await store.commitFiles({ branch: "main", files: [{ path: `main-${i}.md`, content: "m" }], message: "main moves on" });
        return () => store.mergeBranch({ source: `ateams/p/s${i}`, into: "main", message: `merge s${i}` });
      };
      await (await stream(0))();
      // merge-tree, commit-tree, status (anything of the user's in the way?), update-index, update-ref.
      for (const i of [1, 2, 3]) {
        const merge = await stream(i);
        expect(await spawnsOf(merge)).toBeLessThanOrEqual(5);
      }
      expect(git(dir, "status", "--porcelain")).toBe("");
      // Merging again what was just merged: known from the merge commit's parents.
      expect(await spawnsOf(() => store.mergeBranch({ source: "ateams/p/s3", into: "main", message: "again" }))).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("reads a plain HEAD file itself: on a branch, detached, and back", async () => {
    const { dir, store } = await userRepo();
    try {
      await store.head(); // starts cat-file and reads the config once
      expect(await spawnsOf(async () => expect((await store.head()).branch).toBe("main"))).toBe(0);
      git(dir, "switch", "-q", "--detach");
      expect(await spawnsOf(async () => expect((await store.head()).branch).toBeUndefined())).toBe(0);
      git(dir, "switch", "-q", "-c", "feature/x");
      expect(await spawnsOf(async () => expect((await store.head()).branch).toBe("feature/x"))).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("follows a switch of the checked-out branch, and asks git for HEAD when it is not a plain file", async () => {
    const { dir, store } = await userRepo();
    try {
      git(dir, "branch", "other");
      const commitTo = (branch: string, path: string) => store.commitFiles({ branch, files: [{ path, content: `${path}\n` }], message: path });
      await commitTo("main", "a.md");
      git(dir, "switch", "-q", "other");
      // The switch is noticed: `other` is now the checked-out branch and its files land in the working tree.
      await commitTo("other", "b.md");
      expect(readFileSync(join(dir, "b.md"), "utf8")).toBe("b.md\n");
      expect(await spawnsOf(() => commitTo("main", "c.md"))).toBe(1);
      await commitTo("main", "d.md");
      expect(existsSync(join(dir, "d.md"))).toBe(false);
      expect(git(dir, "status", "--porcelain")).toBe("");

      // An old-style symlinked HEAD: symbolic-ref runs every time (besides commit-tree), and still sees the switch.
      rmSync(join(dir, ".git/HEAD"));
      symlinkSync("refs/heads/main", join(dir, ".git/HEAD"));
      expect(await spawnsOf(() => commitTo("other", "e.md"))).toBe(2);
      expect(await spawnsOf(() => commitTo("other", "f.md"))).toBe(2);
      rmSync(join(dir, ".git/HEAD"));
      symlinkSync("refs/heads/other", join(dir, ".git/HEAD"));
      await commitTo("other", "g.md");
      expect(readFileSync(join(dir, "g.md"), "utf8")).toBe("g.md\n");
    } finally {
      await store.close();
    }
  });

  it("reads the trees along the changed paths and writes every object through the long-lived processes", async () => {
    const { dir, store } = await userRepo();
    const requests = vi.spyOn(BatchProcess.prototype, "request");
    try {
      await taskCommit(store, 0);
      requests.mockClear();
      const r = await taskCommit(store, 1);
      const sent = requests.mock.calls.map(([input]) => String(input));
      // The ref; the root tree and the 7 below it on the two paths; the two files to hash-object; the 8 trees on
      // the paths to mktree (one request each, entry lines inside); the compare-and-swap.
      expect(sent[0]).toBe("info refs/heads/ateams/p/s^{commit}\n");
      expect(sent.filter((x) => x.startsWith("contents "))).toHaveLength(1 + 7);
      expect(sent.filter((x) => x.startsWith("/"))).toHaveLength(2);
      expect(sent.filter((x) => /^\d+ (blob|tree) /.test(x))).toHaveLength(8);
      expect(sent.at(-1)!.startsWith("start\0")).toBe(true);
      expect(sent).toHaveLength(1 + 8 + 2 + 8 + 1);
      expect(git(dir, "cat-file", "-p", `${r.sha}:agency/projects/p/log/s/x.md`)).toBe("log 1");
      expect(git(dir, "fsck", "--strict", "--no-dangling")).toBe("");
    } finally {
      requests.mockRestore();
      await store.close();
    }
  });

  for (const [name, init] of [
    ["a sha256 repository", ["init", "-q", "--object-format=sha256", "-b", "main"]],
    ["a shared repository", ["init", "-q", "--shared=group", "-b", "main"]],
  ] as const) {
    it(`commits and merges in ${name}, as git would`, async () => {
      const dir = await dirs.make();
      git(dir, ...init);
      git(dir, "config", "user.name", "T");
      git(dir, "config", "user.email", "t@example.com");
      const store = await openGitStore(dir);
      try {
        await store.commitFiles({ branch: "main", files: [{ path: "a/b.md", content: "b\n" }], message: "first" });
        await taskCommit(store, 0);
        const merged = await store.mergeBranch({ source: "ateams/p/s", into: "main", message: "merge" });
        expect(merged.status).toBe("merged");
        expect(git(dir, "fsck", "--strict", "--no-dangling")).toBe("");
        expect(git(dir, "status", "--porcelain")).toBe("");
        expect(git(dir, "show", "main:agency/projects/p/outputs/s/t0.md")).toBe("0");
      } finally {
        await store.close();
      }
    });
  }

  it("leaves no git process running once the store is closed", async () => {
    const { store } = await userRepo();
    await store.commitFiles({ branch: "ateams/p/s", files: [{ path: "a.md", content: "a" }], message: "a" });
    expect(batchChildren().length).toBeGreaterThanOrEqual(2); // cat-file and update-ref (objects need none)
    await store.close();
    expect(batchChildren()).toEqual([]);
    // A closed store still works: its processes start again.
    expect(await store.readFile("ateams/p/s", "a.md")).toBe("a");
    await store.close();
  });

  it("never keeps a program alive: one that used a store and did not close it exits at once", async () => {
    const { dir } = await userRepo();
    const script = fileURLToPath(new URL("../../test/support/forge/use-and-exit.ts", import.meta.url));
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [script, dir], { timeout: 20_000 });
    expect(stdout).toBe("bye\n");
    // An idle process ends by itself after 5 s; the program must not have waited for that.
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
