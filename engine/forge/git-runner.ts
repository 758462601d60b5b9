// The one way this package runs git: `spawn` of the real binary, for a command that ends (here) and for the few that
// stay up and answer over their stdin (batch-process.ts). Every run reports its exit status, and callers say which
// statuses are answers rather than failures (`merge-base --is-ancestor` exits 1 for "no", `merge-tree` 1 for a
// conflict, with the details on stdout).
import { spawn } from "node:child_process";
import { GitCommandError } from "./errors.ts";

export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

// Every git process this package starts, so benchmarks and tests can see what an operation costs: on a small
// machine each start blocks the event loop for about a millisecond.
let started = 0;
export const gitProcessesStarted = (): number => started;

/**
 * What every git process of ours runs with: nobody is there to answer a terminal prompt or an editor during a
 * reconcile run, and paths we pass are file names, so `*.md` or `:(top)x` written by an agent means that file.
 */
const gitEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  GIT_LITERAL_PATHSPECS: "1",
  ...extra,
});

/** Starts git in `cwd` with our environment; counted in gitProcessesStarted. */
export function spawnGit(cwd: string, args: readonly string[], env?: Record<string, string>) {
  started++;
  return spawn("git", args, { cwd, env: gitEnv(env), stdio: "pipe", windowsHide: true });
}

export interface RunOptions {
  /** Extra variables on top of the process environment (GIT_INDEX_FILE, identity fallbacks, …). */
  env?: Record<string, string>;
  /** Exit statuses that are answers, not failures ("any": the caller reads the status itself). Default: only 0. */
  ok?: readonly number[] | "any";
  /** Run in another directory (a temporary worktree) instead of the runner's. */
  cwd?: string;
  /** Written to git's stdin, which is then closed. */
  input?: string | Uint8Array;
}

export interface GitRunner {
  readonly dir: string;
  run(args: readonly string[], options?: RunOptions): Promise<GitOutput>;
  /** stdout of a run that must succeed, without the trailing newline. */
  text(args: readonly string[], options?: RunOptions): Promise<string>;
}

export function createGitRunner(dir: string): GitRunner {
  function run(args: readonly string[], options: RunOptions = {}): Promise<GitOutput> {
    return new Promise((resolve, reject) => {
      const child = spawnGit(options.cwd ?? dir, args, options.env);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      // git may exit before reading all of its input (a refused command); its status says what happened.
      child.stdin.on("error", () => undefined);
      child.on("error", (e) => reject(new GitCommandError(args, undefined, String(e), { cause: e })));
      child.on("close", (code) => {
        const result = { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), exitCode: code ?? -1 };
        const ok = options.ok ?? [0];
        if (ok === "any" || ok.includes(result.exitCode)) resolve(result);
        else reject(new GitCommandError(args, code ?? undefined, result.stderr || result.stdout));
      });
      child.stdin.end(options.input);
    });
  }
  return {
    dir,
    run,
    async text(args, options) {
      return (await run(args, options)).stdout.replace(/\n$/, "");
    },
  };
}
