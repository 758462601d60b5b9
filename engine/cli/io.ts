// The CLI's view of the outside world, injectable so commands run in-process under test.
import type { GitHubForge } from "../github/index.ts";
import type { GitHubSettings } from "../github-mode/github-run-context.ts";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: boolean;
  /** How commands reach GitHub; default octokit with GitHub's pacing. Tests point it at the checked fake. */
  github?: (settings: GitHubSettings) => GitHubForge;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/** Exit codes: 0 success, 1 invalid specs or failed work, 2 usage errors. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export class UsageError extends Error {
  override name = "UsageError";
}
