import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
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
  it("costs no process per commit to a branch that is not checked out, and none per read", async () => {
    const { store } = await userRepo();
    try {
      let n = 0;
      const commit = () => store.commitFiles({ branch: "ateams/p/s", files: [{ path: `out/${n}.md`, content: `${n++}\n` }], message: `task ${n}` });
      await commit(); // warm-up: starts the long-lived processes, reads identity, config and HEAD once
      await store.readFile("main", "README.md");
      // Objects and the compare-and-swap go through the long-lived processes; whether the branch is checked out is
      // known without asking git.
      expect(await spawnsOf(commit)).toBe(0);
      expect(await spawnsOf(commit)).toBe(0);
      // A new branch: the same, plus check-ref-format the first time a branch name is seen.
      // A new branch of plain components is checked here; one with a dot goes to check-ref-format once.
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/t", files: [{ path: "t.md", content: "t" }], message: "new branch" }))).toBe(0);
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/v1.2", files: [{ path: "t.md", content: "t" }], message: "dotted" }))).toBe(1);
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/v1.2", files: [{ path: "t.md", content: "t3" }], message: "dotted again" }))).toBe(0);
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/t", files: [{ path: "t.md", content: "t2" }], message: "again" }))).toBe(0);
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

  it("costs 1 process per commit to the checked-out branch and at most 4 per merge into it", async () => {
    const { dir, store } = await userRepo();
    try {
      let n = 0;
      const commit = () => store.commitFiles({ branch: "main", files: [{ path: `out/${n}.md`, content: `${n++}\n` }, { path: `gone-${n}.md`, content: null }], message: `task ${n}` });
      await commit();
      // One update-index (stage, unstage, refresh stat data); the ref moves through the long-lived update-ref.
      expect(await spawnsOf(commit)).toBe(1);
      expect(await spawnsOf(commit)).toBe(1);
      const stream = async (i: number) => {
        await store.commitFiles({ branch: `ateams/p/s${i}`, files: [{ path: `s${i}/a.md`, content: `${i}\n` }], message: `s${i}` });
        await store.commitFiles({ branch: "main", files: [{ path: `main-${i}.md`, content: "m" }], message: "main moves on" });
        return () => store.mergeBranch({ source: `ateams/p/s${i}`, into: "main", message: `merge s${i}` });
      };
      await (await stream(0))();
      // merge-tree, status (anything of the user's in the way?), update-index, update-ref.
      for (const i of [1, 2, 3]) {
        const merge = await stream(i);
        expect(await spawnsOf(merge)).toBeLessThanOrEqual(4);
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

  it("asks git for HEAD only when the HEAD file changed, and on every commit when HEAD is not a plain file", async () => {
    const { dir, store } = await userRepo();
    try {
      git(dir, "branch", "other");
      const commitTo = (branch: string, path: string) => store.commitFiles({ branch, files: [{ path, content: `${path}\n` }], message: path });
      await commitTo("main", "a.md");
      git(dir, "switch", "-q", "other");
      // The switch is noticed: `other` is now the checked-out branch and its files land in the working tree.
      await commitTo("other", "b.md");
      expect(readFileSync(join(dir, "b.md"), "utf8")).toBe("b.md\n");
      expect(await spawnsOf(() => commitTo("main", "c.md"))).toBe(0);
      await commitTo("main", "d.md");
      expect(existsSync(join(dir, "d.md"))).toBe(false);
      expect(git(dir, "status", "--porcelain")).toBe("");

      // An old-style symlinked HEAD: no stat to trust, so symbolic-ref runs every time, and still sees the switch.
      rmSync(join(dir, ".git/HEAD"));
      symlinkSync("refs/heads/main", join(dir, ".git/HEAD"));
      expect(await spawnsOf(() => commitTo("other", "e.md"))).toBe(1);
      expect(await spawnsOf(() => commitTo("other", "f.md"))).toBe(1);
      rmSync(join(dir, ".git/HEAD"));
      symlinkSync("refs/heads/other", join(dir, ".git/HEAD"));
      await commitTo("other", "g.md");
      expect(readFileSync(join(dir, "g.md"), "utf8")).toBe("g.md\n");
    } finally {
      await store.close();
    }
  });

  it("reads nothing but the ref for the next commit on a branch it wrote; trees go to mktree, blobs and the commit straight to disk", async () => {
    const { dir, store } = await userRepo();
    const requests = vi.spyOn(BatchProcess.prototype, "request");
    try {
      const commit = (n: number) => taskCommit(store, n);
      await commit(0);
      requests.mockClear();
      const r = await commit(1);
      // The ref; the trees from agency/projects/p/outputs/s and agency/projects/p/log/s up to the root (8) to
      // mktree; then the compare-and-swap. The two blobs and the commit went straight into .git/objects.
      const sent = requests.mock.calls.map(([input]) => String(input));
      expect(sent[0]).toBe("info refs/heads/ateams/p/s^{commit}\n");
      expect(sent.filter((r) => /^\d+ (blob|tree) /.test(r))).toHaveLength(8); // mktree's entry lines
      expect(sent.at(-1)!.startsWith("start\0")).toBe(true);
      expect(sent).toHaveLength(1 + 8 + 1);
      expect(git(dir, "cat-file", "-p", `${r.sha}:agency/projects/p/log/s/x.md`)).toBe("log 1");
      expect(git(dir, "fsck", "--strict", "--no-dangling")).toBe("");
      // Loose objects as git writes them: read-only, no temporary file left behind.
      const blob = git(dir, "rev-parse", `${r.sha}:agency/projects/p/outputs/s/t1.md`);
      expect(statSync(join(dir, ".git", "objects", blob.slice(0, 2), blob.slice(2))).mode & 0o222).toBe(0);
      expect(readdirSync(join(dir, ".git", "objects", blob.slice(0, 2))).filter((f) => f.startsWith("tmp_obj_"))).toEqual([]);
    } finally {
      requests.mockRestore();
      await store.close();
    }
  });

  it("where git must write the objects (a shared repository), sends every object of a commit in one burst", async () => {
    const { dir } = await userRepo();
    git(dir, "config", "core.sharedRepository", "group");
    const store = await openGitStore(dir);
    // Object writes on the wire at once, at most: all of a commit's when they are sent without waiting in between.
    let writing = 0;
    let mostWriting = 0;
    const request = BatchProcess.prototype.request;
    const requests = vi.spyOn(BatchProcess.prototype, "request").mockImplementation(function <T>(this: BatchProcess, input: string | Buffer, read: Parameters<typeof request<T>>[1]) {
      const reply = request.call(this, input, read) as Promise<T>;
      if (!/^(contents|info|start)/.test(String(input))) {
        mostWriting = Math.max(mostWriting, ++writing);
        const done = () => void writing--;
        reply.then(done, done);
      }
      return reply;
    });
    try {
      const commit = (n: number) => taskCommit(store, n);
      await commit(0);
      requests.mockClear();
      mostWriting = 0;
      await commit(1);
      const sent = requests.mock.calls.map(([input]) => String(input).replace(/[0-9a-f]{40}/g, "<id>"));
      const reads = sent.filter((r) => /^(contents|info) /.test(r));
      expect(reads).toEqual(["info refs/heads/ateams/p/s^{commit}\n"]);
      // Two blobs, the trees from agency/projects/p/outputs/s and agency/projects/p/log/s up to the root (8), the
      // commit, all sent before any reply came; then the compare-and-swap.
      expect(sent.filter((r) => r.startsWith("start\0"))).toHaveLength(1);
      expect(sent.length - reads.length - 1).toBe(2 + 8 + 1);
      expect(mostWriting).toBe(2 + 8 + 1);
      // Unchanged content again: no object is written, no ref moves, and still only the ref is read.
      requests.mockClear();
      expect((await commit(1)).changed).toBe(false);
      expect(requests.mock.calls.map(([input]) => String(input).replace(/[0-9a-f]{40}/g, "<id>"))).toEqual(["info refs/heads/ateams/p/s^{commit}\n"]);
    } finally {
      requests.mockRestore();
      await store.close();
    }
  });

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
