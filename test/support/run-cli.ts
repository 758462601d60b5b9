// Runs the CLI in-process with captured output, as a person at a terminal would see it.
import { main } from "../../engine/cli/main.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: opts.env ?? {},
    cwd: opts.cwd,
    isTTY: false,
  });
  return { code, stdout, stderr };
}
