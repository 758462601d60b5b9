// Whether the code interpreter's sandbox closes on this machine, found by trying it: a program started the way every
// program will be must see no network, no host file and no host process. Where that does not hold (no Linux user
// namespaces, as on macOS or under an AppArmor rule that denies them), the tool is not offered and the reason says
// why; a sandbox that is only believed to be closed is not offered either.
//
// The probe is a generator of the commands it runs, so one description serves both a run, which awaits it without
// blocking its other calls (prepareSandbox), and the synchronous first use elsewhere (sandboxIsolation).
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_LIMITS, SANDBOX_ENV, sandboxCommand, type Interpreter } from "./sandbox-command.ts";

export type Language = Interpreter["language"];

export type Isolation =
  | { available: true; interpreters: Map<Language, Interpreter>; missing: Map<Language, string> }
  | { available: false; reason: string };

export interface ProbeOptions {
  /** Where setpriv, unshare and the rest are looked for; tests point it elsewhere to see the refusal. */
  env?: Record<string, string>;
  /** Where python3 is looked for; absent, the engine's PATH. */
  pythonPath?: string;
}

interface Command {
  file: string;
  args: string[];
  input?: string;
  env: Record<string, string>;
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The command could not start (e.g. ENOENT). */
  errorCode?: string;
}

type Probe = Generator<Command, Isolation, Ran>;

const PROBE_TIMEOUT_MS = 10_000;

let memo: Isolation | undefined;
let pending: Promise<Isolation> | undefined;

/** The probe's answer for this process, probing (synchronously) if nothing has yet. */
export function sandboxIsolation(): Isolation {
  return (memo ??= probeIsolation());
}

/** Probes without blocking the event loop, once per process; later sandboxIsolation() calls get the answer. */
export function prepareSandbox(): Promise<Isolation> {
  if (memo) return Promise.resolve(memo);
  return (pending ??= drive(probe({})).then((i) => (memo ??= i)));
}

export function probeIsolation(opts: ProbeOptions = {}): Isolation {
  const steps = probe(opts);
  let next = steps.next();
  while (!next.done) next = steps.next(runSync(next.value));
  return next.value;
}

async function drive(steps: Probe): Promise<Isolation> {
  let next = steps.next();
  while (!next.done) next = steps.next(await runAsync(next.value));
  return next.value;
}

function runSync(c: Command): Ran {
  const r = spawnSync(c.file, c.args, { input: c.input ?? "", env: c.env, encoding: "utf8", timeout: PROBE_TIMEOUT_MS });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ...(r.error ? { errorCode: (r.error as NodeJS.ErrnoException).code ?? r.error.message } : {}) };
}

function runAsync(c: Command): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(c.file, c.args, { env: c.env, encoding: "utf8", timeout: PROBE_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      resolve({ status: err ? (typeof code === "number" ? code : null) : 0, stdout, stderr, ...(typeof code === "string" ? { errorCode: code } : {}) });
    });
    child.stdin?.on("error", () => {});
    child.stdin?.end(c.input ?? "");
  });
}

function* probe(opts: ProbeOptions): Probe {
  const env = opts.env ?? SANDBOX_ENV;
  if (process.platform !== "linux") return { available: false, reason: `it needs Linux namespaces, and this is ${process.platform}` };
  const nodeBase = dataBytes(yield measure(process.execPath, ["--max-old-space-size=64", "-e", "process.stdout.write(require('fs').readFileSync('/proc/self/status','utf8'))"]));
  if (nodeBase === undefined) return { available: false, reason: "the engine's Node could not be measured" };
  const node = nodeInterpreter(nodeBase);

  // Without Node's own permission flags, so what is checked is the namespace, not the second wall.
  const marker = mkdtempSync(join(tmpdir(), "ateams-probe-"));
  let seen: Ran;
  try {
    seen = yield { ...inSandbox({ ...node, argv: () => [process.execPath] }, env), input: closedProbe(marker) };
  } finally {
    rmSync(marker, { recursive: true, force: true });
  }
  const open = whyOpen(seen);
  if (open) return { available: false, reason: open };

  const interpreters = new Map<Language, Interpreter>([["javascript", node]]);
  const missing = new Map<Language, string>();
  const found = yield { file: "python3", args: ["-I", "-c", "import sys, json; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))"], env: { PATH: opts.pythonPath ?? process.env.PATH ?? "" } };
  if (found.errorCode || found.status !== 0) missing.set("python", "python3 is not installed");
  else {
    const [exe, prefix, basePrefix] = JSON.parse(found.stdout) as [string, string, string];
    const real = realpathSync(exe);
    const base = dataBytes(yield measure(real, ["-I", "-c", "print(open('/proc/self/status').read())"]));
    if (base === undefined) missing.set("python", "python3 could not be measured");
    else {
      const python: Interpreter = { language: "python", argv: () => [real, "-I", "-B", "-"], folders: outsideSystem([prefix, basePrefix, dirname(real)]), baseDataBytes: base };
      const ran = yield { ...inSandbox(python, env), input: "print(6 * 7)" };
      if (ran.stdout.trim() === "42") interpreters.set("python", python);
      else missing.set("python", `python3 does not start in the sandbox: ${(ran.stderr || ran.errorCode || "").trim().slice(0, 200)}`);
    }
  }
  return { available: true, interpreters, missing };
}

function inSandbox(interpreter: Interpreter, env: Record<string, string>): Command {
  const { file, args } = sandboxCommand(interpreter, DEFAULT_LIMITS);
  return { file, args, env };
}

function measure(file: string, args: string[]): Command {
  return { file, args, env: {} };
}

/** What a program inside must find: the engine not signallable, a host folder not there, no network. */
function closedProbe(marker: string): string {
  return `
    const out = {};
    try { process.kill(${process.pid}, 0); out.signal = "reachable"; } catch (e) { out.signal = e.code; }
    try { require("fs").statSync(${JSON.stringify(marker)}); out.files = "visible"; } catch (e) { out.files = e.code; }
    out.interfaces = Object.keys(require("os").networkInterfaces()).filter((n) => n !== "lo");
    const udp = require("dgram").createSocket("udp4");
    udp.send("x", 9, "192.0.2.1", (e) => { out.udp = e ? e.code : "sent"; udp.close(); console.log(JSON.stringify(out)); });`;
}

/** Undefined when the probe found the sandbox closed, else why not. */
function whyOpen(ran: Ran): string | undefined {
  if (ran.errorCode) return ran.errorCode === "ENOENT" ? "util-linux's setpriv and unshare were not found" : `the sandbox did not start: ${ran.errorCode}`;
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
}

function nodeInterpreter(base: number): Interpreter {
  return {
    language: "javascript",
    // Node's permission model stays as a second wall: no child processes, workers or addons, files in /scratch only.
    argv: (l) => [process.execPath, `--max-old-space-size=${l.memoryMb}`, "--permission", "--allow-fs-read=/scratch", "--allow-fs-write=/scratch", "--input-type=module", "-"],
    folders: outsideSystem([dirname(realpathSync(process.execPath))]),
    baseDataBytes: base,
  };
}

/** VmData of a fresh interpreter, plus room to run: what it reserves before the program's first line. */
function dataBytes(ran: Ran): number | undefined {
  const kb = /VmData:\s*(\d+) kB/.exec(ran.stdout)?.[1];
  return kb ? (Number(kb) + 32 * 1024) * 1024 : undefined;
}

/** Folders not already inside the system folders the sandbox mounts anyway, each once. */
function outsideSystem(folders: string[]): string[] {
  const system = /^\/(usr|bin|sbin|lib|lib32|lib64|libx32)(\/|$)/;
  return [...new Set(folders.map((f) => realpathSync(f)))].filter((f) => !system.test(f) && f !== "/");
}
