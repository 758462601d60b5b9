// The command line that starts a program inside the code interpreter's sandbox, built from util-linux alone:
// `setpriv --pdeathsig` ties it to the engine (if the engine dies, even by SIGKILL, the kernel kills `unshare`),
// `unshare --kill-child` ties the sandbox's pid 1 to `unshare` (and a pid namespace dies with its pid 1), and
// enter-sandbox.sh builds the closed world inside. Pure: what runs is decided here, run-sandboxed.ts runs it.
import { fileURLToPath } from "node:url";

export const ENTER_SCRIPT = fileURLToPath(new URL("./enter-sandbox.sh", import.meta.url));

/** How an interpreter is started inside the sandbox; found by the isolation probe. */
export interface Interpreter {
  language: "javascript" | "python";
  /** The interpreter and its arguments; the program comes on standard input. */
  argv: (limits: SandboxLimits) => string[];
  /** Host folders the interpreter needs besides /usr and /lib, mounted read-only at the same path. */
  folders: string[];
  /** Address space the interpreter reserves before running a line (V8 reserves hundreds of MB it never touches). */
  baseDataBytes: number;
}

export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
  diskMb: number;
  /** Characters of output the model gets back. */
  outputChars: number;
}

/** Processes and threads together: Node alone runs about a dozen threads. */
const MAX_PROCESSES = 64;

export const DEFAULT_LIMITS: SandboxLimits = { timeoutMs: 10_000, memoryMb: 256, diskMb: 64, outputChars: 8_000 };

/** Everything it needs is on standard input: no environment of the engine's, so no key, reaches the program. */
export const SANDBOX_ENV = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/scratch", LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8" };

export function sandboxCommand(interpreter: Interpreter, limits: SandboxLimits): { file: string; args: string[] } {
  const mb = 1024 * 1024;
  const rlimits = [
    `--data=${interpreter.baseDataBytes + limits.memoryMb * mb}`,
    `--fsize=${limits.diskMb * mb}`,
    // Counted per user namespace (Linux 5.14+), so this caps the sandbox's own processes and threads; the kernel
    // exempts real root, for whom the time cap (which ends the whole pid namespace) is what stops a fork bomb.
    `--nproc=${MAX_PROCESSES}`,
    "--nofile=256",
    "--core=0",
  ];
  return {
    file: "setpriv",
    args: [
      "--pdeathsig",
      "KILL",
      "unshare",
      "--user",
      "--map-root-user",
      "--net",
      "--pid",
      "--fork",
      "--mount",
      "--kill-child=SIGKILL",
      "sh",
      ENTER_SCRIPT,
      `${limits.diskMb}m`,
      String(interpreter.folders.length),
      ...interpreter.folders,
      ...rlimits,
      "--",
      ...interpreter.argv(limits),
    ],
  };
}
