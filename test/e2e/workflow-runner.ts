// Runs the jobs of a GitHub workflow file the way a runner does, on this machine: each job in its own fresh clone
// of a local bare `origin`, its `run:` steps in order through `bash -e` (the runner's default shell) with the step's
// `env:` evaluated from the workflow's contexts, `$GITHUB_OUTPUT` collected into step and job outputs. What a hosted
// runner provides before the job's commands is stood in for, and only that: `uses:` steps (checkout is the clone,
// setup-node the Node already here) and the step with `id: install` (npm installing ateams) are skipped, and `npx
// ateams …` reaches the ateams CLI inside the test process through a small `npx` on PATH, so the test's fake
// GitHub (nock, checked against GitHub's REST description) and its fake model server serve every job.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../../engine/cli/main.ts";
import type { CliIO } from "../../engine/cli/io.ts";

type Step = { uses?: string; run?: string; id?: string; name?: string; env?: Record<string, unknown>; shell?: string; if?: string };
export type WorkflowJob = { steps?: Step[]; outputs?: Record<string, string> };
export type Workflow = { jobs: Record<string, WorkflowJob> };

export async function readWorkflow(path: string): Promise<Workflow> {
  return parse(await readFile(path, "utf8")) as Workflow;
}

/**
 * `${{ … }}` in a string, for the few expression forms the workflows use: a context path (`inputs.max-chain`,
 * `github.event.client_payload.chain`) or a literal, joined by `||`. Anything else throws, so a workflow that grows
 * past what this runner understands fails the test instead of running with a wrong value.
 */
export function evaluate(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) => {
    let value: unknown;
    for (const operand of expr.split("||").map((o) => o.trim())) {
      value = operandValue(operand, contexts);
      if (value !== undefined && value !== null && value !== "" && value !== false && value !== 0) break;
    }
    return value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  });
}

function operandValue(operand: string, contexts: Record<string, unknown>): unknown {
  if (/^-?\d+(\.\d+)?$/.test(operand)) return Number(operand);
  if (/^'.*'$/.test(operand)) return operand.slice(1, -1);
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(operand)) throw new Error(`workflow-runner: cannot evaluate '${operand}'`);
  let value: unknown = contexts;
  for (const key of operand.split(".")) value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

export interface CliHost {
  url: string;
  /** Every ateams command a job ran, in the order they finished. */
  calls: { argv: string[]; cwd: string; code: number; stderr: string }[];
  close(): Promise<void>;
}

/** Serves `npx ateams …` from the jobs' shells: runs the CLI in this process with the job's cwd and environment. */
export async function startCliHost(extra: Pick<CliIO, "github">): Promise<CliHost> {
  const calls: CliHost["calls"] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { argv, cwd, env } = JSON.parse(body) as { argv: string[]; cwd: string; env: NodeJS.ProcessEnv };
      let stdout = "";
      let stderr = "";
      const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd, isTTY: false, ...extra };
      main(argv, io).then(
        (code) => {
          calls.push({ argv, cwd, code, stderr });
          res.end(JSON.stringify({ code, stdout, stderr }));
        },
        (e: unknown) => res.end(JSON.stringify({ code: 70, stdout, stderr: `${stderr}${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n` })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}/`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A directory with the `npx` the jobs' shells find first: `npx ateams …` goes to the CLI host. */
export async function npxShim(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const shim = `#!/usr/bin/env node
// npx ateams <args> → the ateams CLI in the test process (workflow-runner.ts). Nothing else is installed here.
const [name, ...argv] = process.argv.slice(2);
if (name !== "ateams") { process.stderr.write("npx: only ateams is installed in this runner\\n"); process.exit(127); }
fetch(process.env.ATEAMS_CLI_HOST, { method: "POST", body: JSON.stringify({ argv, cwd: process.cwd(), env: process.env }) })
  .then((r) => r.json())
  .then((r) => { process.stdout.write(r.stdout); process.stderr.write(r.stderr); process.exitCode = r.code; });
`;
  await writeFile(join(dir, "npx"), shim, { mode: 0o755 });
  return dir;
}

export interface StepRun {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
}

export interface JobRun {
  job: string;
  matrix: Record<string, string>;
  /** The job's clone of origin. */
  dir: string;
  /** 0 when every step succeeded; else the failing step's exit code. */
  code: number;
  steps: StepRun[];
  outputs: Record<string, string>;
}

export interface RunnerEnv {
  origin: string;
  scratch: string;
  shimDir: string;
  host: CliHost;
  /** The runner's own environment for every step (GITHUB_ACTIONS, GITHUB_REPOSITORY, the event…). */
  env: Record<string, string>;
}

function exec(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return out;
}

/** One job of `workflow`, with these contexts (inputs, secrets, github, needs; matrix is added). */
export async function runJob(runner: RunnerEnv, workflow: Workflow, job: string, contexts: Record<string, unknown>, matrix: Record<string, string> = {}): Promise<JobRun> {
  const spec = workflow.jobs[job];
  if (!spec) throw new Error(`no job ${job}`);
  const home = await mkdtemp(join(runner.scratch, `${job}-`));
  const dir = join(home, "repo");
  const clone = await exec("git", ["clone", "-q", runner.origin, dir], { cwd: home, env: process.env });
  if (clone.code) throw new Error(`clone failed: ${clone.stderr}`);
  const steps: StepRun[] = [];
  const stepsContext: Record<string, { outputs: Record<string, string> }> = {};
  const ctx = { ...contexts, matrix, steps: stepsContext };
  let code = 0;
  for (const [i, step] of (spec.steps ?? []).entries()) {
    if (step.uses || step.id === "install") continue;
    if (step.if || step.shell) throw new Error(`workflow-runner: step ${step.name ?? i} of ${job} uses if/shell, which this runner does not interpret`);
    const outputFile = join(home, `output-${i}`);
    await writeFile(outputFile, "");
    const env: NodeJS.ProcessEnv = {
      PATH: `${runner.shimDir}:${process.env.PATH ?? ""}`,
      HOME: home,
      LANG: "C.UTF-8",
      ...runner.env,
      ATEAMS_CLI_HOST: runner.host.url,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(home, "summary.md"),
      RUNNER_TEMP: home,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v), ctx);
    const script = join(home, `step-${i}.sh`);
    await writeFile(script, step.run ?? "");
    const r = await exec("bash", ["--noprofile", "--norc", "-e", script], { cwd: dir, env });
    steps.push({ name: step.name ?? step.id ?? step.run ?? "", ...r });
    if (step.id) stepsContext[step.id] = { outputs: parseOutputs(await readFile(outputFile, "utf8")) };
    if (r.code) {
      code = r.code;
      break;
    }
  }
  const outputs = Object.fromEntries(Object.entries(spec.outputs ?? {}).map(([k, v]) => [k, evaluate(v, ctx)]));
  return { job, matrix, dir, code, steps, outputs };
}
