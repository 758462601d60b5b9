// Whether the code interpreter's sandbox closes on this machine, found by trying it: a program started the way every
// program will be must see no network, no host file and no host process. Where that does not hold (no Linux user
// namespaces, as on macOS or under an AppArmor rule that denies them), the tool is not offered and the reason says
// why; a sandbox that is only believed to be closed is not offered either.
import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_LIMITS, SANDBOX_ENV, sandboxCommand, type Interpreter, type SandboxLimits } from "./sandbox-command.ts";

export type Language = Interpreter["language"];

export type Isolation =
  | { available: true; interpreters: Map<Language, Interpreter>; missing: Map<Language, string> }
  | { available: false; reason: string };

export interface ProbeOptions {
  /** Where setpriv, unshare and the rest are looked for; tests point it elsewhere to see the refusal. */
  env?: Record<string, string>;
  /** Checked for Python; absent, the engine's PATH. */
  pythonPath?: string;
}

const PROBE_TIMEOUT_MS = 10_000;

let memo: Isolation | undefined;

/** The probe's answer for this process: it runs once, when a tool is first asked for. */
export function sandboxIsolation(): Isolation {
  return (memo ??= probeIsolation());
}

export function probeIsolation(opts: ProbeOptions = {}): Isolation {
  const env = opts.env ?? SANDBOX_ENV;
  if (process.platform !== "linux") return { available: false, reason: `it needs Linux namespaces, and this is ${process.platform}` };
  const node = nodeInterpreter();
  if (typeof node === "string") return { available: false, reason: node };
  const closed = checkClosed(node, env);
  if (closed) return { available: false, reason: closed };

  const interpreters = new Map<Language, Interpreter>([["javascript", node]]);
  const missing = new Map<Language, string>();
  const python = pythonInterpreter(opts.pythonPath ?? process.env.PATH ?? "");
  if (typeof python === "string") missing.set("python", python);
  else {
    const ran = spawnSync(...commandOf(python), { input: "print(6 * 7)", env, encoding: "utf8", timeout: PROBE_TIMEOUT_MS });
    if (ran.stdout?.trim() === "42") interpreters.set("python", python);
    else missing.set("python", `python3 does not start in the sandbox: ${(ran.stderr || ran.error?.message || "").trim().slice(0, 200)}`);
  }
  return { available: true, interpreters, missing };
}

function commandOf(interpreter: Interpreter, limits: SandboxLimits = DEFAULT_LIMITS): [string, string[]] {
  const { file, args } = sandboxCommand(interpreter, limits);
  return [file, args];
}

/** Runs a probe in the sandbox; undefined when the sandbox is closed, else why not. */
function checkClosed(node: Interpreter, env: Record<string, string>): string | undefined {
  const marker = mkdtempSync(join(tmpdir(), "ateams-probe-"));
  try {
    // Without Node's own permission flags, so what is checked is the namespace, not the second wall.
    const bare: Interpreter = { ...node, argv: () => [process.execPath] };
    const probe = `
      const out = {};
      try { process.kill(${process.pid}, 0); out.signal = "reachable"; } catch (e) { out.signal = e.code; }
      try { require("fs").statSync(${JSON.stringify(marker)}); out.files = "visible"; } catch (e) { out.files = e.code; }
      out.interfaces = Object.keys(require("os").networkInterfaces()).filter((n) => n !== "lo");
      const udp = require("dgram").createSocket("udp4");
      udp.send("x", 9, "192.0.2.1", (e) => { out.udp = e ? e.code : "sent"; udp.close(); console.log(JSON.stringify(out)); });`;
    const ran = spawnSync(...commandOf(bare), { input: probe, env, encoding: "utf8", timeout: PROBE_TIMEOUT_MS });
    if (ran.error) {
      const code = (ran.error as NodeJS.ErrnoException).code;
      return code === "ENOENT" ? "util-linux's setpriv and unshare were not found" : `the sandbox did not start: ${ran.error.message}`;
    }
    let seen: { signal?: string; files?: string; interfaces?: string[]; udp?: string };
    try {
      seen = JSON.parse(ran.stdout);
    } catch {
      return `user namespaces are not available here (${ran.stderr.trim().split("\n").slice(-1)[0] || `exit ${ran.status}`})`;
    }
    if (seen.signal !== "ESRCH") return "a program in it could signal the engine";
    if (seen.files !== "ENOENT") return "a program in it could see the host's files";
    if (seen.interfaces?.length || seen.udp === "sent") return "a program in it could reach the network";
    return undefined;
  } finally {
    rmSync(marker, { recursive: true, force: true });
  }
}

function nodeInterpreter(): Interpreter | string {
  const base = dataBytes(process.execPath, ["--max-old-space-size=64", "-e", "process.stdout.write(require('fs').readFileSync('/proc/self/status','utf8'))"]);
  if (base === undefined) return "the engine's Node could not be measured";
  return {
    language: "javascript",
    // Node's permission model stays as a second wall: no child processes, workers or addons, files in /scratch only.
    argv: (l) => [process.execPath, `--max-old-space-size=${l.memoryMb}`, "--permission", "--allow-fs-read=/scratch", "--allow-fs-write=/scratch", "--input-type=module", "-"],
    folders: outsideSystem([dirname(realpathSync(process.execPath))]),
    baseDataBytes: base,
  };
}

function pythonInterpreter(path: string): Interpreter | string {
  const found = spawnSync("python3", ["-I", "-c", "import sys, json; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))"], {
    env: { PATH: path },
    encoding: "utf8",
    timeout: PROBE_TIMEOUT_MS,
  });
  if (found.error || found.status !== 0) return "python3 is not installed";
  const [exe, prefix, basePrefix] = JSON.parse(found.stdout) as [string, string, string];
  const real = realpathSync(exe);
  const base = dataBytes(real, ["-I", "-c", "print(open('/proc/self/status').read())"]);
  if (base === undefined) return "python3 could not be measured";
  return {
    language: "python",
    argv: () => [real, "-I", "-B", "-"],
    folders: outsideSystem([prefix, basePrefix, dirname(real)]),
    baseDataBytes: base,
  };
}

/** VmData of a fresh interpreter, plus room to run: what it reserves before the program's first line. */
function dataBytes(file: string, args: string[]): number | undefined {
  const ran = spawnSync(file, args, { encoding: "utf8", env: {}, timeout: PROBE_TIMEOUT_MS });
  const kb = /VmData:\s*(\d+) kB/.exec(ran.stdout ?? "")?.[1];
  return kb ? (Number(kb) + 32 * 1024) * 1024 : undefined;
}

/** Folders not already inside the system folders the sandbox mounts anyway, each once. */
function outsideSystem(folders: string[]): string[] {
  const system = /^\/(usr|bin|sbin|lib|lib32|lib64|libx32)(\/|$)/;
  return [...new Set(folders.map((f) => realpathSync(f)))].filter((f) => !system.test(f) && f !== "/");
}

/** For tests: forget the memoised answer. */
export function forgetIsolation(): void {
  memo = undefined;
}
