// A seeded spec fuzzer: the example agency, in a git repository, with one of its YAML files mutated (keys deleted or
// duplicated, wrong types, huge values, unicode and control characters, deep nesting, alias bombs, broken syntax,
// bad ids and paths, dependency cycles and chains) or its folders disturbed, then `validate`, `plan` and `status`
// run through the real CLI entry in-process. Every case must exit 0 or 1 (never throw: that is exit 70 with a stack
// trace), locate every error as `path:line:col:` inside the file it names, agree across the three commands, and take
// under 2 s of CPU per command.
//
// Replay a case: FUZZ_SEED=<seed> FUZZ_CASE=<n> npx vitest run test/validate/spec-fuzz.test.ts
// More cases: FUZZ_CASES=5000 (the default keeps the whole file to a few seconds).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { mutate, rng, type Random } from "../support/spec-mutator.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const ONLY = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE);
const MAX_CPU_MS = 2000;

/** A diagnostic line: `path:line:col: error|warning: message`. */
const LOCATED = /^(.+?):(\d+):(\d+): (error|warning): \S/;
/** The other lines a failed load may print: the count, and the cut of a long report. */
const SUMMARY = /^(\d+ errors? in agency(; nothing was written)?|… and \d+ more not shown \(ateams validate --json lists them all\))$/;

let repo: TempRepo;
let originals: Map<string, Buffer>;

beforeAll(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  originals = new Map(yamlFiles(repo.agency).map((f) => [f, readFileSync(f)]));
});
afterAll(() => repo?.cleanup());

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

interface Disturbance {
  describe: string;
  undo: () => Promise<void>;
}

/** Folder-level mischief, now and then instead of a text mutation. */
async function disturb(r: Random, file: string): Promise<Disturbance> {
  const agency = repo.agency;
  const kind = r.pick(["rename project", "remove file", "directory in a file's place", "stray file", "invalid bytes", "role under a second extension"]);
  switch (kind) {
    case "rename project": {
      const from = join(agency, "projects", r.pick(["launch-kit", "pricing-study"]));
      const to = join(agency, "projects", r.pick(["Launch", "launch kit", "plan", "x".repeat(70), "-x", "ünï", "a.b"]));
      await rename(from, to);
      return { describe: `${kind} ${relative(agency, from)} → ${relative(agency, to)}`, undo: () => rename(to, from) };
    }
    case "remove file":
      await rm(file);
      return { describe: `${kind} ${relative(agency, file)}`, undo: async () => {} };
    case "directory in a file's place":
      await rm(file);
      await mkdir(file);
      return { describe: `${kind} ${relative(agency, file)}`, undo: () => rm(file, { recursive: true }) };
    case "stray file": {
      const stray = join(agency, r.pick(["roles/notes.txt", "projects/README.md", "roles/Bad Name.yaml", "roles/.hidden.yaml", "projects/stray.yaml"]));
      await writeFile(stray, "id: stray\n");
      return { describe: `${kind} ${relative(agency, stray)}`, undo: () => rm(stray) };
    }
    case "invalid bytes": {
      const bytes = Buffer.from(originals.get(file)!);
      const at = r.int(bytes.length);
      const bad = Buffer.from([r.pick([0xff, 0xfe, 0xc0, 0x80, 0xed])]);
      await writeFile(file, Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]));
      return { describe: `${kind} in ${relative(agency, file)} at byte ${at}`, undo: async () => {} };
    }
    default: {
      const twin = join(agency, "roles", "writer.yml");
      await writeFile(twin, originals.get(join(agency, "roles", "writer.yaml"))!);
      return { describe: kind, undo: () => rm(twin) };
    }
  }
}

async function restore(): Promise<void> {
  for (const [file, bytes] of originals) {
    if (existsSync(file) && statSync(file).isFile() && readFileSync(file).equals(bytes)) continue;
    await rm(file, { recursive: true, force: true });
    await writeFile(file, bytes);
  }
}

interface Outcome {
  code: number;
  stderr: string;
  stdout: string;
  cpuMs: number;
  thrown?: string;
}

async function run(argv: string[]): Promise<Outcome> {
  const start = process.cpuUsage();
  try {
    const r = await runCli(argv, { cwd: repo.root });
    const u = process.cpuUsage(start);
    return { ...r, cpuMs: (u.user + u.system) / 1000 };
  } catch (e) {
    const u = process.cpuUsage(start);
    return { code: 70, stderr: "", stdout: "", cpuMs: (u.user + u.system) / 1000, thrown: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

/** Problems with one command's outcome; empty when it behaved. */
function problemsOf(name: string, o: Outcome): string[] {
  const out: string[] = [];
  if (o.thrown) return [`${name} threw (exit 70): ${o.thrown.split("\n").slice(0, 4).join(" | ")}`];
  if (o.code !== 0 && o.code !== 1) out.push(`${name} exited ${o.code}: ${o.stderr.slice(0, 300)}`);
  if (o.cpuMs > MAX_CPU_MS) out.push(`${name} took ${o.cpuMs.toFixed(0)} ms of CPU`);
  const lines = o.stderr.split("\n").filter((l) => l !== "");
  for (const line of lines) {
    const m = LOCATED.exec(line);
    if (!m) {
      if (!SUMMARY.test(line)) out.push(`${name}: unlocated line on stderr: ${line.slice(0, 200)}`);
      continue;
    }
    const [, path, ln] = m;
    const file = join(repo.root, path!);
    if (existsSync(file) && statSync(file).isFile()) {
      const count = readFileSync(file, "utf8").split("\n").length;
      if (Number(ln) < 1 || Number(ln) > count) out.push(`${name}: line ${ln} is outside ${path} (${count} lines): ${line.slice(0, 200)}`);
    } else if (!existsSync(file) && !existsSync(join(file, ".."))) {
      out.push(`${name}: names a path that does not exist: ${line.slice(0, 200)}`);
    }
  }
  if (o.code === 1 && !lines.some((l) => / error: /.test(l))) out.push(`${name} exited 1 without a located error: ${o.stderr.slice(0, 300)}`);
  if (o.stderr.length > 64 * 1024) out.push(`${name} printed ${o.stderr.length} characters on stderr`);
  return out;
}

const located = (o: Outcome) => o.stderr.split("\n").filter((l) => LOCATED.test(l) && / error: /.test(l));

describe("spec fuzzer", () => {
  it(`${ONLY === undefined ? CASES : 1} mutated agencies (seed ${SEED}): exit 0 or 1, every error located, commands agree, none over 2 s`, { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    const files = [...originals.keys()];
    const first = ONLY ?? 0;
    const last = ONLY ?? CASES - 1;
    for (let n = first; n <= last; n++) {
      const r = rng(SEED * 7919 + n);
      // plan.yaml carries most cross-file structure: pick it more often than its share.
      const file = r.next() < 0.35 ? join(repo.agency, "projects/launch-kit/plan.yaml") : r.pick(files);
      let what: string;
      let undo: (() => Promise<void>) | undefined;
      if (r.next() < 0.1) {
        const d = await disturb(r, file);
        what = d.describe;
        undo = d.undo;
      } else {
        const m = mutate(originals.get(file)!.toString("utf8"), r);
        await writeFile(file, m.text);
        what = `${m.applied.join(" + ")} in ${relative(repo.agency, file)}`;
      }
      const validate = await run(["validate"]);
      const plan = await run(["plan", "--json"]);
      const status = await run(["status"]);
      const problems = [...problemsOf("validate", validate), ...problemsOf("plan", plan), ...problemsOf("status", status)];
      for (const [name, o] of [["plan", plan], ["status", status]] as const) {
        if (o.thrown) continue;
        if (o.code !== validate.code) problems.push(`validate exited ${validate.code} but ${name} exited ${o.code}: ${o.stderr.slice(0, 300)}`);
        else if (o.code === 1 && located(o).join("\n") !== located(validate).join("\n")) problems.push(`${name} reported other errors than validate`);
      }
      if (process.env.FUZZ_VERBOSE) console.log(`case ${n} ${validate.code} cpu ${[validate, plan, status].map((o) => o.cpuMs.toFixed(0)).join("/")} ${what}`);
      if (problems.length) failures.push(`case ${n} (${what}):\n  ${problems.join("\n  ")}`);
      await undo?.();
      await restore();
      if (failures.length >= 10) break;
    }
    expect(failures, `replay with FUZZ_SEED=${SEED} FUZZ_CASE=<n>`).toEqual([]);
  });
});
