import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitProcessesStarted } from "./git-runner.ts";
import { openGitStore, type GitStore } from "./git-store.ts";
import { initRepo, isolateGitConfig, tempDirs, userCommit } from "./test-fixtures/repos.ts";

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
  return out.split("\n").filter((line) => /^git (cat-file|hash-object|mktree)/.test(line));
}

/** Processes started while `work` ran. */
async function spawnsOf(work: () => Promise<unknown>): Promise<number> {
  const before = gitProcessesStarted();
  await work();
  return gitProcessesStarted() - before;
}

describe("git processes", () => {
  it("costs at most 2 processes per commit to a branch that is not checked out, and none per read", async () => {
    const { store } = await userRepo();
    try {
      let n = 0;
      const commit = () => store.commitFiles({ branch: "ateams/p/s", files: [{ path: `out/${n}.md`, content: `${n++}\n` }], message: `task ${n}` });
      await commit(); // warm-up: starts the long-lived processes, reads identity and config once
      await store.readFile("main", "README.md");
      // symbolic-ref (is the branch checked out?) and update-ref (the compare-and-swap).
      expect(await spawnsOf(commit)).toBeLessThanOrEqual(2);
      // A new branch: the same, plus check-ref-format the first time a branch name is seen.
      expect(await spawnsOf(() => store.commitFiles({ branch: "ateams/p/t", files: [{ path: "t.md", content: "t" }], message: "new branch" }))).toBeLessThanOrEqual(3);
      expect(await spawnsOf(() => store.readFile("ateams/p/s", "out/0.md"))).toBe(0);
      expect(await spawnsOf(() => store.resolveRef("ateams/p/s"))).toBe(0);
      expect(await store.readFile("ateams/p/s", "out/1.md")).toBe("1\n");
    } finally {
      await store.close();
    }
  });

  it("leaves no git process running once the store is closed", async () => {
    const { store } = await userRepo();
    await store.commitFiles({ branch: "ateams/p/s", files: [{ path: "a.md", content: "a" }], message: "a" });
    expect(batchChildren().length).toBeGreaterThanOrEqual(4);
    await store.close();
    expect(batchChildren()).toEqual([]);
    // A closed store still works: its processes start again.
    expect(await store.readFile("ateams/p/s", "a.md")).toBe("a");
    await store.close();
  });

  it("never keeps a program alive: one that used a store and did not close it exits at once", async () => {
    const { dir } = await userRepo();
    const script = fileURLToPath(new URL("./test-fixtures/use-and-exit.ts", import.meta.url));
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [script, dir], { timeout: 20_000 });
    expect(stdout).toBe("bye\n");
    // An idle process ends by itself after 5 s; the program must not have waited for that.
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
