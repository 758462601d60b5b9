// The one place that runs git commands (batch-process.ts keeps the few long-lived ones). simple-git treats "exit≠0
// with empty stderr" as success, which would hide answers like `merge-base --is-ancestor` (exit 1) or `merge-tree`
// conflicts (exit 1, details on stdout); so every run here reports its exit status and callers say which statuses
// are answers rather than failures.
import { GitError, simpleGit, type SimpleGitOptions } from "simple-git";
import { GitCommandError } from "./errors.ts";

export interface GitOutput {
  stdout: string;
  /** What git said on stderr (only kept for non-zero exits). */
  stderr: string;
  exitCode: number;
}

// "12:34:56.789012 git.c:460               trace: built-in: git read-tree …"
const TRACE_LINE = /^\d\d:\d\d:\d\d\.\d+ [^ ]+:\d+ +trace: .*(\n|$)/gm;
export const withoutTrace = (stderr: string): string => stderr.replace(TRACE_LINE, "");

// Every git process this package starts (simple-git runs and long-lived batch processes), so benchmarks and tests
// can see what an operation costs: on a small machine each spawn blocks the event loop for about a millisecond.
let started = 0;
export const gitProcessesStarted = (): number => started;
export const noteGitProcessStarted = (): void => {
  started++;
};

/**
 * What every git process of ours runs with: nobody is there to answer a terminal prompt or an editor during a
 * reconcile run, and paths we pass are file names, so `*.md` or `:(top)x` written by an agent means that file.
 */
export const gitEnv = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({
  ...process.env,
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  GIT_LITERAL_PATHSPECS: "1",
  ...extra,
});

export interface RunOptions {
  /** Extra variables on top of the process environment (GIT_INDEX_FILE, identity fallbacks, …). */
  env?: Record<string, string>;
  /** Exit statuses that are answers, not failures ("any": the caller reads the status itself). Default: only 0. */
  ok?: readonly number[] | "any";
  /** Run in another directory (a temporary worktree) instead of the store's. */
  cwd?: string;
}

export interface GitRunner {
  readonly dir: string;
  run(args: readonly string[], options?: RunOptions): Promise<GitOutput>;
  /** stdout of a run that must succeed, without the trailing newline. */
  text(args: readonly string[], options?: RunOptions): Promise<string>;
}

/** Carries the raw result through simple-git's error path, which only preserves GitError instances. */
class ExitStatus extends GitError {
  readonly result: GitOutput;
  constructor(result: GitOutput) {
    super(undefined, `exit ${result.exitCode}`);
    this.result = result;
  }
}

// simple-git refuses env variables such as EDITOR, GIT_CONFIG_GLOBAL or GIT_SSH_COMMAND because they could come from
// an untrusted caller. Here every argument is built by this package and the environment is the process's own (the
// operator's or CI's), so those categories are allowed; argument-borne risks (--upload-pack, aliases) stay blocked.
const TRUSTED_ENV: SimpleGitOptions["unsafe"] = {
  allowUnsafeEditor: true,
  allowUnsafePager: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeDiffExternal: true,
};

export function createGitRunner(dir: string): GitRunner {
  async function run(args: readonly string[], options: RunOptions = {}): Promise<GitOutput> {
    const git = simpleGit({
      baseDir: options.cwd ?? dir,
      unsafe: TRUSTED_ENV,
      errors: (_error, result) =>
        result.exitCode === 0
          ? undefined
          : new ExitStatus({
              exitCode: result.exitCode,
              stdout: Buffer.concat(result.stdOut).toString("utf8"),
              stderr: withoutTrace(Buffer.concat(result.stdErr).toString("utf8")),
            }),
    });
    // GIT_TRACE: simple-git sleeps a fixed 50 ms after any command that printed nothing (update-ref, an empty diff);
    // git's trace lines on stderr end that wait. They are cut from error output above, and an operator's own
    // GIT_TRACE setting wins.
    git.env({ GIT_TRACE: "2", ...gitEnv(options.env) });
    noteGitProcessStarted();
    try {
      const stdout = await git.raw([...args]);
      return { stdout, stderr: "", exitCode: 0 };
    } catch (e) {
      if (e instanceof ExitStatus) {
        const ok = options.ok ?? [0];
        if (ok === "any" || ok.includes(e.result.exitCode)) return e.result;
        throw new GitCommandError(args, e.result.exitCode, e.result.stderr || e.result.stdout, { cause: e });
      }
      throw new GitCommandError(args, undefined, String(e), { cause: e });
    }
  }
  return {
    dir,
    run,
    async text(args, options) {
      return (await run(args, options)).stdout.replace(/\n$/, "");
    },
  };
}
