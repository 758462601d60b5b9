// Real repositories for the forge tests: temp dirs under os.tmpdir(), a bare "remote", and a git configuration
// isolated from the machine's, so results do not depend on who runs the tests (a CI box has no identity at all).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simpleGit, type SimpleGit } from "simple-git";

export const TEST_IDENTITY = { name: "Test User", email: "test@example.com" };

export interface TempDirs {
  make(prefix?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix = "ateams-forge-") {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/**
 * Points git at an empty global config and no system config, and clears identity variables, for this test process
 * and the child processes it starts. Call once per test file, before any repository is made.
 */
export async function isolateGitConfig(dirs: TempDirs): Promise<void> {
  const home = await dirs.make("ateams-home-");
  const global = join(home, "gitconfig");
  await writeFile(global, "");
  process.env.GIT_CONFIG_GLOBAL = global;
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  for (const k of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"]) {
    delete process.env[k];
  }
}

/**
 * simple-git for the fixtures' own git calls (the engine has its own runner, engine/forge/git-runner.ts). GIT_TRACE
 * for these processes only: git's trace lines on stderr spare simple-git's fixed 50 ms wait after a command that
 * printed nothing; set process-wide, it reached every git the tests start and printed into the test output.
 */
function fixtureGit(dir?: string): SimpleGit {
  // The environment is the test process's own (isolateGitConfig's GIT_CONFIG_GLOBAL, the runner's EDITOR …).
  const unsafe = { allowUnsafeEditor: true, allowUnsafePager: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true, allowUnsafeAskPass: true, allowUnsafeSshCommand: true };
  return simpleGit({ ...(dir === undefined ? {} : { baseDir: dir }), unsafe }).env({ ...process.env, GIT_TRACE: "2" });
}

/** A fresh non-bare repository on `main`; with `identity` false it has no user.name/user.email anywhere. */
export async function initRepo(dir: string, options: { identity?: boolean } = {}): Promise<SimpleGit> {
  const git = fixtureGit(dir);
  await git.raw(["init", "-q", "-b", "main"]);
  if (options.identity ?? true) {
    await git.addConfig("user.name", TEST_IDENTITY.name);
    await git.addConfig("user.email", TEST_IDENTITY.email);
  }
  return git;
}

export async function initBare(dir: string): Promise<SimpleGit> {
  const git = fixtureGit(dir);
  await git.raw(["init", "-q", "--bare", "-b", "main"]);
  return git;
}

export async function cloneRepo(remote: string, dir: string): Promise<SimpleGit> {
  await fixtureGit().clone(remote, dir, ["-q"]);
  const git = fixtureGit(dir);
  await git.addConfig("user.name", TEST_IDENTITY.name);
  await git.addConfig("user.email", TEST_IDENTITY.email);
  return git;
}

/** What a user does by hand: write files in the worktree, add them, commit. */
export async function userCommit(git: SimpleGit, dir: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
  await git.add(Object.keys(files));
  await git.commit(message);
  return (await git.revparse(["HEAD"])).trim();
}

/** Everything that would reveal a change to the user's checkout: HEAD, status, index entries, and both diffs. */
export async function checkoutSnapshot(git: SimpleGit): Promise<string> {
  return [
    await git.raw(["symbolic-ref", "HEAD"]),
    await git.raw(["rev-parse", "HEAD"]),
    await git.raw(["status", "--porcelain=v2", "--untracked-files=all"]),
    await git.raw(["ls-files", "-s"]),
    await git.raw(["diff"]),
    await git.raw(["diff", "--cached"]),
  ].join("\n--\n");
}

export async function commitCount(git: SimpleGit, ref: string): Promise<number> {
  return Number((await git.raw(["rev-list", "--count", ref])).trim());
}

const RACE_WORKER = fileURLToPath(new URL("./race-worker.ts", import.meta.url));

/** Runs race-worker.ts in its own node process (same environment); resolves with its stdout. */
export function runRaceWorker(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RACE_WORKER, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`race worker exited ${code}: ${err}`))));
  });
}
