// Runs one program in the sandbox and collects what it printed, within the time and output caps. Memory and disk
// are capped inside (rlimits, a size-capped tmpfs); the time cap and the output cap are enforced here, by killing
// the process group, which takes `unshare` and with it every process of the sandbox's pid namespace.
import { spawn } from "node:child_process";
import { SANDBOX_ENV, sandboxCommand, type Interpreter, type SandboxLimits } from "./sandbox-command.ts";

export interface SandboxRun {
  output: string;
  /** The output was longer than the cap (what is kept is its start). */
  truncated: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the sandbox stopped the program, if it did. */
  stopped?: "time" | "output";
  /** The pid of the sandbox's outer process (`unshare`), for tests that check nothing outlives it. */
  pid: number | undefined;
}

/** Beyond this many bytes the program is only flooding the pipe: stop it rather than read on. */
const FLOOD_FACTOR = 64;

export function runSandboxed(interpreter: Interpreter, code: string, limits: SandboxLimits, onStart?: (pid: number) => void): Promise<SandboxRun> {
  const { file, args } = sandboxCommand(interpreter, limits);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: SANDBOX_ENV, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let output = "";
    let bytes = 0;
    let stopped: SandboxRun["stopped"];
    const kill = (why: NonNullable<SandboxRun["stopped"]>) => {
      stopped ??= why;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const take = (b: Buffer) => {
      bytes += b.length;
      if (output.length < limits.outputChars) output += b.toString("utf8");
      if (bytes > limits.outputChars * FLOOD_FACTOR) kill("output");
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const timer = setTimeout(() => kill("time"), limits.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    if (child.pid !== undefined) onStart?.(child.pid);
    // A program that never reads its input must not fail the write.
    child.stdin.on("error", () => {});
    child.stdin.end(code);
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        output: output.slice(0, limits.outputChars),
        truncated: output.length > limits.outputChars || bytes > Buffer.byteLength(output),
        exitCode,
        signal,
        ...(stopped ? { stopped } : {}),
        pid: child.pid,
      });
    });
  });
}
