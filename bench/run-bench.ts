// `ateams run` benchmarks, against the fake OpenAI server answering every call after a fixed latency (on a thread of
// its own, as a real endpoint is elsewhere: model-server.ts):
// (a) wall time of a 30-task DAG ÷ the lower bound its critical path allows, (b) calls after editing one role ÷
// the tasks that edit makes stale, (c) prompt size of the last task of a 30-task chain ÷ the first.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { planAgency } from "../engine/plan/plan.ts";
import { loadTemplates } from "../engine/prompts/templates.ts";
import type { ProgressEvent } from "../engine/run/progress.ts";
import { runAgency, type RunReport } from "../engine/run/run-agency.ts";
import { loadAgency } from "../engine/agency/load-agency.ts";
import { startModelServer, type Arrival } from "./model-server.ts";
import { chainTasks, closureOf, DAG_EDITED_ROLE, dagTasks, writeRunBenchAgency, type BenchTask } from "./synthetic-agency.ts";
import { gitIn } from "../test/support/git-repo.ts";
import { gitProcessesStarted } from "../engine/forge/index.ts";

const LATENCY_MS = 200;
const CHAIN_LENGTH = 30;
/** Runs of the DAG: one cold, the rest for the median. */
const DAG_RUNS = 6;
/** Calls each task makes when its work passes first time: the Specialist's, then the Collaborator's verdict. */
const CALLS_PER_TASK = 2;

const meets = (ok: boolean) => (ok ? "" : "  NOT MET");

/** Longest chain of tasks, and the lower bound in calls: tasks on it × calls each, + stream verification + assembly. */
export function criticalPath(tasks: BenchTask[]): { tasks: number; calls: number; widest: number } {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    let d = depth.get(id);
    if (d === undefined) depth.set(id, (d = 1 + Math.max(0, ...byId.get(id)!.dependsOn.map(depthOf))));
    return d;
  };
  const finish = new Map<string, number>(); // in calls, with unlimited concurrency
  const finishOf = (id: string): number => {
    let f = finish.get(id);
    if (f === undefined) finish.set(id, (f = CALLS_PER_TASK + Math.max(0, ...byId.get(id)!.dependsOn.map(finishOf))));
    return f;
  };
  // A stream is verified (1 call) once all its tasks pass; merging makes no call; assembly (1 call) waits on every merge.
  const streams = [...new Set(tasks.map((t) => t.stream))];
  const verified = streams.map((s) => 1 + Math.max(...tasks.filter((t) => t.stream === s).map((t) => finishOf(t.id))));
  const levels = new Map<number, number>();
  for (const t of tasks) levels.set(depthOf(t.id), (levels.get(depthOf(t.id)) ?? 0) + 1);
  return { tasks: Math.max(...tasks.map((t) => depthOf(t.id))), calls: 1 + Math.max(...verified), widest: Math.max(...levels.values()) };
}

const git = gitIn;

function collector() {
  const events: ProgressEvent[] = [];
  const at = new Map<ProgressEvent, number>();
  return { events, at, progress: { emit: (e: ProgressEvent) => void (events.push(e), at.set(e, performance.now())) } };
}

/** Where a run's time goes besides the model: recording each task after its verdict, and starting its dependents. */
function engineTime(tasks: BenchTask[], c: ReturnType<typeof collector>, arrivals: Arrival[]) {
  const doneAt = new Map(c.events.filter((e) => e.kind === "done" && e.action).map((e) => [e.action!, c.at.get(e)!]));
  const record: number[] = [];
  const start: number[] = [];
  for (const t of tasks) {
    const mine = arrivals.filter((a) => a.task === t.id);
    const verdict = mine.filter((a) => a.kind === "collaborator_verdict").at(-1);
    const first = mine.find((a) => a.kind === "specialist_work");
    if (verdict && doneAt.has(t.id)) record.push(doneAt.get(t.id)! - (verdict.at + LATENCY_MS));
    const ready = Math.max(...t.dependsOn.map((d) => doneAt.get(d) ?? Number.NaN));
    if (first && t.dependsOn.length && Number.isFinite(ready)) start.push(first.at - ready);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return { recordMean: mean(record), recordMax: Math.max(...record), startMean: mean(start), startMax: Math.max(...start) };
}

/**
 * The run cut into phases by the server's arrivals and the progress events, each with the model time it had to
 * contain: what is left over is the engine's own time in that phase.
 */
function phases(t0: number, end: number, tasks: BenchTask[], c: ReturnType<typeof collector>, arrivals: Arrival[], critical: number) {
  const at = (pred: (e: ProgressEvent) => boolean) => c.events.filter(pred).map((e) => c.at.get(e)!);
  const firstCall = Math.min(...arrivals.filter((a) => a.at >= t0).map((a) => a.at));
  const taskIds = new Set(tasks.map((t) => t.id));
  const tasksDone = Math.max(...at((e) => e.kind === "done" && taskIds.has(e.action ?? "")));
  const mergesDone = Math.max(...at((e) => e.kind === "done" && (e.action ?? "").startsWith("stream ") && e.text.startsWith("merged")));
  const assembled = Math.max(...at((e) => e.kind === "done" && e.action === "assemble"));
  // The assembly's call goes out with the merges (they land while it is answered).
  const assemblyCall = Math.max(...arrivals.filter((a) => a.kind === "pm_assembly").map((a) => a.at));
  const row = (label: string, ms: number, model: number, note = "") => `  ${label.padEnd(34)}${ms.toFixed(0).padStart(5)} ms, model ${String(model).padStart(4)} ms → engine ${(ms - model).toFixed(0).padStart(4)} ms${note}`;
  return [
    row("start → first call arrives:", firstCall - t0, 0),
    row(`tasks (${critical} on the critical path):`, tasksDone - firstCall, critical * CALLS_PER_TASK * LATENCY_MS),
    row("stream checks:", assemblyCall - tasksDone, LATENCY_MS, " (to the assembly call's arrival)"),
    row("assembly, merges alongside:", assembled - assemblyCall, LATENCY_MS, ` (the merges landed ${(mergesDone - assemblyCall).toFixed(0)} ms into it)`),
    row("final status commit:", end - assembled, 0),
  ];
}

function expectDone(report: RunReport, project: string, events: ProgressEvent[]): boolean {
  const p = report.projects.find((x) => x.id === project);
  if (report.exitCode === 0 && p?.stage === "done") return true;
  console.log(`!! ${project} did not finish: exit ${report.exitCode}, stage ${p?.stage}: ${report.failures.join("; ")}`);
  for (const e of events.filter((x) => x.kind === "failed" || x.kind === "blocked")) console.log(`!!   ${e.action}: ${e.text}`);
  return false;
}

const count = (reqs: Arrival[], kind: string, withTask?: boolean) => reqs.filter((r) => r.kind === kind && (withTask === undefined || (r.task !== undefined) === withTask)).length;

/** Runs (a), (b) and (c), printing one labelled line per figure; false when a correctness invariant fails. */
export async function runBenchmarks(): Promise<boolean> {
  const root = await mkdtemp(join(tmpdir(), "ateams-run-bench-"));
  // The scripted team, except that a Specialist's file depends on everything it was sent: a changed role or
  // upstream file changes the output, so an edit's effect travels downstream exactly as it would with a real model.
  const server = await startModelServer({ latencyMs: LATENCY_MS });
  const arrivals = server.arrivals;
  let ok = true;
  try {
    const agency = join(root, "agency");
    const dag = dagTasks();
    const chain = chainTasks(CHAIN_LENGTH);
    git(root, "init", "-q", "-b", "main");
    await writeRunBenchAgency(agency, { dag, chain });
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "bench agency");
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "bench" };

    // (a) Wall time of a 30-task DAG against the bound its critical path sets.
    const cp = criticalPath(dag);
    const concurrency = 2 * cp.widest;
    const boundMs = cp.calls * LATENCY_MS;
    // The same run on fresh copies first: the first run in a process pays for cold code (JIT, lazy module set-up),
    // later ones show the steady state a long-running reconciler has, which the goal is judged on (the median, as
    // for the planner above). The last run, on the bench's own repository, is the one broken down below; (b) and
    // (c) go on from it.
    const samples: number[] = [];
    for (let i = 0; i < DAG_RUNS - 1; i++) {
      const copy = join(root, `copy-${i}`);
      git(root, "init", "-q", "-b", "main", copy);
      await writeRunBenchAgency(join(copy, "agency"), { dag, chain });
      git(copy, "add", "-A");
      git(copy, "commit", "-q", "-m", "bench agency");
      const c0 = performance.now();
      const r = await runAgency({ agencyDir: join(copy, "agency"), projects: ["dag"], concurrency, env, progress: { emit: () => undefined } });
      samples.push(performance.now() - c0);
      ok = expectDone(r, "dag", []) && ok;
    }
    let from = arrivals.length;
    const a = collector();
    const spawns0 = gitProcessesStarted();
    let t0 = performance.now();
    const dagRun = await runAgency({ agencyDir: agency, projects: ["dag"], concurrency, env, progress: a.progress });
    const dagEnd = performance.now();
    const dagMs = dagEnd - t0;
    samples.push(dagMs);
    const steady = samples.slice(1).sort((x, y) => x - y)[Math.floor((samples.length - 1) / 2)]!;
    const dagSpawns = gitProcessesStarted() - spawns0;
    ok = expectDone(dagRun, "dag", a.events) && ok;
    const dagReqs = arrivals.slice(from);
    const streams = new Set(dag.map((t) => t.stream)).size;
    console.log(`\n## (a) ateams run: ${dag.length}-task DAG (${streams} streams, critical path ${cp.tasks} tasks, widest level ${cp.widest}), fake server at ${LATENCY_MS} ms per call, on its own thread`);
    console.log(`model calls:                        ${dagReqs.length} (${count(dagReqs, "specialist_work")} Specialist, ${count(dagReqs, "collaborator_verdict", true)} task verdicts, ${count(dagReqs, "collaborator_verdict", false)} stream verdicts, ${count(dagReqs, "pm_assembly")} assembly)`);
    console.log(`concurrency:                        ${concurrency} (2 × widest level)`);
    console.log(`lower bound:                        (${cp.tasks} tasks × ${CALLS_PER_TASK} calls + 1 stream verification + 1 assembly) × ${LATENCY_MS} ms = ${cp.calls} × ${LATENCY_MS} ms = ${boundMs} ms`);
    console.log(`wall time of runAgency, ${samples.length} runs:   ${samples.map((x) => x.toFixed(0)).join(", ")} ms (each on a fresh repository; the first in this process is cold)`);
    console.log(`the last run, where its time went:  ${dagMs.toFixed(0)} ms, engine ${((dagMs - boundMs) / cp.tasks).toFixed(0)} ms per critical-path step (wall − bound, ÷ ${cp.tasks} tasks)`);
    for (const line of phases(t0, dagEnd, dag, a, dagReqs, cp.tasks)) console.log(line);
    console.log(`git processes started:              ${dagSpawns} (${(dagSpawns / dag.length).toFixed(1)} per task, everything included)`);
    const et = engineTime(dag, a, dagReqs);
    console.log(`  verdict → task recorded:          mean ${et.recordMean.toFixed(0)} ms, max ${et.recordMax.toFixed(0)} ms (stream commit + status commit, per project one at a time)`);
    console.log(`  last input recorded → next call:  mean ${et.startMean.toFixed(0)} ms, max ${et.startMax.toFixed(0)} ms (reload + re-plan + inputs read)`);
    console.log(`ratio to the bound, first (cold):   ${(samples[0]! / boundMs).toFixed(2)}`);
    // Reported, no goal: real models take seconds, and the goal is judged there (latency-bench.ts).
    console.log(`ratio to the bound, median of the ${samples.length - 1} warm runs (no goal at 200 ms): ${(steady / boundMs).toFixed(2)}`);

    // (b) Edit one role: exactly the tasks it makes stale call their Specialist again, once each.
    const users = dag.filter((t) => t.role === DAG_EDITED_ROLE).map((t) => t.id);
    const expected = closureOf(dag, users);
    const roleFile = join(agency, "roles", `${DAG_EDITED_ROLE}.yaml`);
    await writeFile(roleFile, (await readFile(roleFile, "utf8")).replace("with care and evidence", "with care, evidence and dates"));
    git(root, "commit", "-q", "-am", `edit ${DAG_EDITED_ROLE}`);
    const loaded = await loadAgency(agency);
    if (!loaded.ok) throw new Error("edited bench agency is invalid");
    const stale = planAgency(loaded.model, await loadTemplates(), ["dag"]).projects[0]!.actions.filter((x) => x.kind === "run-task").map((x) => x.task!);
    const exactly = JSON.stringify([...stale].sort()) === JSON.stringify([...expected].sort());
    from = arrivals.length;
    const b = collector();
    t0 = performance.now();
    const editRun = await runAgency({ agencyDir: agency, projects: ["dag"], concurrency, env, progress: b.progress });
    const editMs = performance.now() - t0;
    ok = expectDone(editRun, "dag", b.events) && ok;
    const editReqs = arrivals.slice(from);
    const specialistCalls = count(editReqs, "specialist_work");
    const fromCache = b.events.filter((e) => e.kind === "call" && / → cache:/.test(e.text) && !/^(collaborator|pm) /.test(e.text)).length;
    const staleIds = new Set(stale);
    const outside = editReqs.filter((r) => r.kind === "specialist_work" && !staleIds.has(r.task ?? "")).length;
    console.log(`\n## (b) edit one role (${DAG_EDITED_ROLE}, used by ${users.length} tasks), run again`);
    console.log(`tasks made stale (users + downstream): ${stale.length} (expected ${expected.size}: ${exactly ? "exactly those" : "NOT those"})`);
    console.log(`Specialist calls at the server:     ${specialistCalls} (${outside} for tasks not stale; ${fromCache} more served from the response cache)`);
    console.log(`other calls:                        ${count(editReqs, "collaborator_verdict", true)} task verdicts, ${count(editReqs, "collaborator_verdict", false)} stream verdicts, ${count(editReqs, "pm_assembly")} assembly`);
    console.log(`wall time:                          ${editMs.toFixed(0)} ms`);
    console.log(`calls ÷ stale tasks (goal 1.00):    ${(specialistCalls / stale.length).toFixed(2)}${meets(specialistCalls === stale.length)}`);
    if (!exactly || specialistCalls !== stale.length || outside !== 0 || fromCache !== 0) ok = false;

    // (c) A 30-task chain: the last task's prompt is no bigger than the first's, however long the chain.
    from = arrivals.length;
    const c = collector();
    t0 = performance.now();
    const chainRun = await runAgency({ agencyDir: agency, projects: ["chain"], concurrency, env, progress: c.progress });
    const chainMs = performance.now() - t0;
    ok = expectDone(chainRun, "chain", c.events) && ok;
    const chainReqs = arrivals.slice(from);
    const promptOf = (id: string) => {
      const r = chainReqs.find((x) => x.kind === "specialist_work" && x.task === id);
      if (!r) throw new Error(`no Specialist request for ${id}`);
      return r.promptTokens;
    };
    const prompts = chain.map((t) => promptOf(t.id));
    const [first, second, last] = [prompts[0]!, prompts[1]!, prompts.at(-1)!];
    const chainBound = criticalPath(chain).calls * LATENCY_MS;
    const upstreamBytes = (await readFile(join(agency, "projects", "chain", "outputs", "chain", `${chain[0]!.id}.md`))).length;
    console.log(`\n## (c) ${CHAIN_LENGTH}-task chain: Specialist prompt size (the server's prompt_tokens)`);
    console.log(`first task (no upstream input):     ${first} tokens`);
    console.log(`second task (one upstream file, ${upstreamBytes} B): ${second} tokens`);
    console.log(`last task (one upstream file):      ${last} tokens (largest of all ${Math.max(...prompts)})`);
    console.log(`last ÷ first (goal ≤ 1.20):         ${(last / first).toFixed(2)}${meets(last / first <= 1.2)}`);
    console.log(`last ÷ second (growth along chain): ${(last / second).toFixed(2)}`);
    const ct = engineTime(chain, c, arrivals);
    console.log(`chain wall time ÷ bound:            ${chainMs.toFixed(0)} ms ÷ ${chainBound} ms = ${(chainMs / chainBound).toFixed(2)} (verdict → recorded: mean ${ct.recordMean.toFixed(0)} ms; recorded → next call: mean ${ct.startMean.toFixed(0)} ms)`);
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
  return ok;
}
