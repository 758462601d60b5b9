// `npm run bench`: performance claims, measured in one run and printed as ratios. First the planner on a 2,000-task
// agency (no model calls), then `ateams run` itself against the fake OpenAI server at 200 ms a call (run-bench.ts),
// at realistic latency and at 0 ms (latency-bench.ts), then the GitHub API calls of a reconcile with nothing to do
// (github-bench.ts), then routing before and after one learning round on 50 labelled tasks (routing-bench.ts).
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parse } from "yaml";
import { planAgency } from "../engine/plan/plan.ts";
import { loadTemplates } from "../engine/prompts/templates.ts";
import { clearParseCache, loadAgency } from "../engine/agency/load-agency.ts";
import { parseYaml } from "../engine/agency/parse-yaml.ts";
import { settle } from "../test/support/agency-fixture.ts";
import { runGitHubBenchmark } from "./github-bench.ts";
import { runLatencyBenchmarks } from "./latency-bench.ts";
import { runBenchmarks } from "./run-bench.ts";
import { runRoutingBenchmark } from "./routing-bench.ts";
import { downstreamOf, SPECIAL_ROLE, taskId, writeSyntheticAgency, type Shape } from "./synthetic-agency.ts";

const SHAPE: Shape = { projects: 20, streams: 10, tasks: 10, roles: 20 };
const RUNS = 7;

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm caches and JIT, as a long-running reconciler would be
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(".yaml")) out.push(join(e.parentPath, e.name));
  }
  return out;
}

// `npm run bench -- routing`: only the routing figures (a second).
if (process.argv[2] === "routing") {
  const example = await loadAgency(join(import.meta.dirname, "..", "agency"));
  if (!example.ok || !runRoutingBenchmark(example.model.spec)) process.exitCode = 1;
  process.exit();
}

// `npm run bench -- latency`: only the figures at realistic latency and at 0 ms (a minute or two).
if (process.argv[2] === "latency") {
  if (!(await runLatencyBenchmarks())) process.exitCode = 1;
  process.exit();
}

const root = await mkdtemp(join(tmpdir(), "ateams-bench-"));
try {
  const agency = join(root, "agency");
  const templates = await loadTemplates();
  const total = SHAPE.projects * SHAPE.streams * SHAPE.tasks;
  console.log(`# ateams bench — synthetic agency: ${SHAPE.projects} projects × ${SHAPE.streams} streams × ${SHAPE.tasks} tasks = ${total} tasks, ${SHAPE.roles + 1} roles`);
  await writeSyntheticAgency(agency, SHAPE);
  await settle(agency, templates);
  const files = await yamlFiles(agency);

  // Two baselines: every file through the yaml package, and the loader's own parse step (which reads
  // engine-written JSON-compatible status.yaml with JSON.parse). Overhead is measured against the second.
  const readParse = await median(async () => {
    for (const f of files) parse(readFileSync(f, "utf8"));
  });
  const readParseFast = await median(async () => {
    for (const f of files) parseYaml(readFileSync(f, "utf8"), f);
  });
  let planned = -1;
  const loadPlan = await median(async () => {
    clearParseCache(); // a cold load, as `ateams plan` in a fresh process does
    const r = await loadAgency(agency);
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    planned = planAgency(r.model, templates).totals.actions;
  });

  console.log("\n## load + validate + plan, every task recorded done");
  console.log(`yaml files:                         ${files.length}`);
  console.log(`read + yaml.parse, all files:       ${readParse.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`read + loader's parse step only:    ${readParseFast.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`load + validate + plan:             ${loadPlan.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`ratio to yaml.parse (goal ≤ 2.00):  ${(loadPlan / readParse).toFixed(2)}`);
  console.log(`ratio to loader's parse (≤ 2.00):   ${(loadPlan / readParseFast).toFixed(2)}`);
  console.log(`under 500 ms (goal):                ${loadPlan < 500 ? "yes" : "NO"}`);
  console.log(`actions planned (goal 0):           ${planned}`);

  const roleFile = join(agency, "roles", `${SPECIAL_ROLE}.yaml`);
  await writeFile(roleFile, (await readFile(roleFile, "utf8")).replace("with care and evidence", "with care, evidence and dates"));
  const r = await loadAgency(agency);
  if (!r.ok) throw new Error("edited agency invalid");
  const plan = planAgency(r.model, templates);
  const stale = plan.projects.flatMap((p) => p.actions.filter((a) => a.kind === "run-task").map((a) => `${p.id}/${a.task}`)).sort();
  const users = Array.from({ length: SHAPE.streams }, (_, s) => taskId(s, 7));
  const expected = [...downstreamOf(SHAPE, users)].map((t) => `p00/${t}`).sort();
  console.log(`\n## edit one role (${SPECIAL_ROLE}, used by ${users.length} tasks)`);
  console.log(`tasks using the role:       ${users.length}`);
  console.log(`expected stale (+downstream): ${expected.length}`);
  console.log(`stale tasks planned:        ${stale.length}`);
  console.log(`exactly those tasks:        ${JSON.stringify(stale) === JSON.stringify(expected) ? "yes" : "NO"}`);
  if (planned !== 0 || JSON.stringify(stale) !== JSON.stringify(expected)) process.exitCode = 1;

  // A run is its own process: it does not start with the 2,000-task agency above parsed and cached in its heap.
  clearParseCache();
  if (!(await runBenchmarks())) process.exitCode = 1;
  if (!(await runLatencyBenchmarks())) process.exitCode = 1;
  if (!(await runGitHubBenchmark())) process.exitCode = 1;
  const example = await loadAgency(join(import.meta.dirname, "..", "agency"));
  if (!example.ok || !runRoutingBenchmark(example.model.spec)) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
