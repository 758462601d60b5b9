// `ateams run`: the reconcile loop. Load → plan → execute every action whose prerequisites are done, under a
// concurrency limit → re-load and re-plan after each one finishes, until nothing runnable is left. Because
// every step re-plans from files and git, a run killed at any moment resumes exactly where it stopped.
import { createMemoryRanker } from "../vector-index/create-ranker.ts";
import { mkdir, writeFile } from "node:fs/promises";
import { join, dirname } from "node:path";
import { planAgency } from "../plan/plan.ts";
import type { Action, ReconcilePlan } from "../plan/types.ts";
import { loadTemplates, type Templates } from "../prompts/templates.ts";
import type { Diagnostic } from "../agency/diagnostic.ts";
import { loadAgency } from "../agency/load-agency.ts";
import type { AgencyModel, LoadedProject, OutputObserver } from "../agency/model.ts";
import { clearProjectCondition } from "../status/record.ts";
import { mayUseSandbox } from "../tools/registry.ts";
import { prepareSandbox } from "../tools/sandbox/isolation.ts";
import { acceptMergedStreams } from "./accept-merged.ts";
import { Budget } from "../llm/budget.ts";
import { trailers, type RunContext } from "./run-context.ts";
import { errorLine, type RunNotes } from "./record-failure.ts";
import { runAction, runKey, type RunTally } from "./run-action.ts";
import { settleConditions } from "./settle-conditions.ts";
import { schedule } from "./scheduler.ts";
import { scopeOf, startableActions } from "./startable.ts";
import { stuckReport } from "./stuck-report.ts";
import type { Progress } from "./progress.ts";
import { createModelRegistry, type ProviderSettings } from "../llm/providers.ts";
import { StatusStore } from "./status-store.ts";
import { openWorkspace, type Workspace } from "./workspace.ts";
import type { RepoLock } from "../forge/index.ts";
import { takeRepository } from "./take-repository.ts";
import { blockedCondition } from "../status/conditions.ts";
import { addCall, emptyUsage, type UsageTotals } from "../agency/usage.ts";
import { concurrencyOf } from "../agency/settings.ts";

export interface RunOptions {
  agencyDir: string;
  projects?: string[];
  /**
   * Only these streams' tasks: a fan-out job in Actions. Its status stays local; the stream branch carries the
   * commits (with their usage in trailers), which the full run adopts without a model call.
   */
  streams?: string[];
  /**
   * The reconcile of a fan-out: task work is the stream jobs'. A task whose commit a stream job pushed is adopted
   * (no model call); one without is left for the next wave's job. Plans, stream checks, merges and the assembly run
   * here as usual.
   */
  fanOut?: boolean;
  concurrency?: number;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  now?: () => string;
  /** Tests and other providers: how a tier becomes a model. */
  createModel?: ProviderSettings["create"];
  timeoutMs?: number;
  /** See RunContext.deliverAssembly. */
  deliverAssembly?: "working" | "branch";
  /** How long to wait for another run on this repository to finish before giving up (RepoLockedError). */
  lockWaitMs?: number;
  /** The caller holds the repository's lock already (runGitHub around its intake, reconcile and publish). */
  holdsLock?: boolean;
}

export interface RunReport {
  /** 0: everything runnable ran (the rest waits on people); 1: something failed, or a budget stopped the run. */
  exitCode: 0 | 1;
  actions: number;
  usage: UsageTotals;
  projects: { id: string; stage: string; summary: string }[];
  failures: string[];
  /** A stream job's tasks that wait on work outside its streams (another stream's tasks, an approval). */
  waiting: { project: string; stream: string; task: string; on: string[] }[];
  /** A fan-out reconcile's tasks left for stream jobs (no commit of theirs to adopt), as `project/task`. */
  left: string[];
}

export class InvalidSpecsError extends Error {
  override name = "InvalidSpecsError";
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(`${diagnostics.filter((d) => d.severity === "error").length} error(s) in the agency`);
    this.diagnostics = diagnostics;
  }
}

/** After the first task starts: its calls (and those of the tasks starting with it) are sent by then. */
const PROBE_AFTER_MS = 100;


export async function runAgency(opts: RunOptions): Promise<RunReport> {
  const opening = openWorkspace(dirname(join(opts.agencyDir, ".")));
  // The first read of the templates and the agency (parsing, validating) runs while git starts up; only observing
  // the outputs waits for the repository. A repository that cannot be opened is the error reported.
  const first = Promise.all([loadTemplates(), loadChecked(opts.agencyDir, async (p) => (await opening).observeOutputs(p))]);
  first.catch(() => undefined);
  const ws = await opening;
  let lock: RepoLock | undefined;
  try {
    // One run per repository at a time (repo-lock.ts): taken before anything is written, released when done.
    if (!opts.holdsLock) lock = await takeRepository(ws, { waitMs: opts.lockWaitMs, command: opts.streams?.length ? "run --stream" : "run", progress: opts.progress });
    const [templates] = await first;
    // Read again now that the repository is ours: the first read may predate the commits of a run that held the
    // lock until a moment ago. Unchanged files come from the parse cache the first read filled, so this costs little.
    return await reconcile(ws, opts, [templates, await loadChecked(opts.agencyDir, ws.observeOutputs)]);
  } finally {
    lock?.release();
    await ws.close(); // its long-lived git processes
  }
}

async function loadChecked(agencyDir: string, observeOutputs: OutputObserver): Promise<AgencyModel> {
  const r = await loadAgency(agencyDir, { observeOutputs });
  if (!r.ok) throw new InvalidSpecsError(r.diagnostics);
  return r.model;
}

async function reconcile(ws: Workspace, opts: RunOptions, [templates, firstModel]: [Templates, AgencyModel]): Promise<RunReport> {
  const stores = new Map<string, StatusStore>();
  // Status updates reach status.yaml when a plan is about to read it.
  const load = () => {
    for (const s of stores.values()) s.persist();
    return loadChecked(opts.agencyDir, ws.observeOutputs);
  };
  let model = firstModel;
  const only = opts.projects?.length ? opts.projects : undefined;
  const streams = opts.streams?.length ? opts.streams : undefined;
  await ensureSelfIgnoringDir(join(ws.repoRoot, ".ateams"));
  const budget = new Budget(model.spec);
  const usage = emptyUsage();
  const ctx = await openRunContext(ws, opts, { templates, model: () => model, stores, budget, usage });
  model = await openProjects(ctx, model, { budget, only, load });

  if (await acceptMergedStreams(ctx, model, only)) model = await load();

  const concurrency = opts.concurrency ?? concurrencyOf(model.spec);
  const attempted = new Set<string>();
  const tally: RunTally = { failures: [], stoppedProjects: new Set(), left: new Set(), stopAll: false };
  let actionsRun = 0;
  // The run's clock decides whether a failed action's backoff is over (status/retry.ts).
  let plan: ReconcilePlan = planAgency(model, templates, only, ctx.now());
  // Records are timed to the millisecond (a task's bar on the report's timeline), unless a test fixes the clock.
  const metricsClock = opts.now ?? (() => new Date().toISOString());
  // A fan-out job (--stream) runs only its streams' tasks; everything else waits for the full run.
  const inScope = scopeOf(streams);
  const tried = (a: Action) => attempted.has(runKey(a));
  try {
    await schedule({
      concurrency,
      startable: () => (tally.stopAll ? [] : startableActions({ plan, stopped: tally.stoppedProjects, inScope, tried })),
      execute: (a) => {
        attempted.add(runKey(a));
        actionsRun++;
        return runAction(a, { ctx, model, project: model.projects.get(a.project)!, fanOut: !!opts.fanOut, streamJob: !!streams, clock: metricsClock, stores, tally });
      },
      replan: async () => {
        model = await load();
        plan = planAgency(model, templates, only, ctx.now());
      },
    });
  } catch (e) {
    // A spec broken mid-run (a half-saved file): nothing more was launched, running actions finished and recorded
    // what they did; report it.
    tally.stopAll = true;
    for (const s of stores.values()) await s.flush().catch(() => undefined);
    throw e;
  }

  const left = (a: Action) => tally.left.has(runKey(a));
  const { stuck, waiting } = stuckReport({ plan, stopped: tally.stoppedProjects, inScope, tried, left, ...(streams ? { streams } : {}) });
  if (!tally.stopAll && stuck.length && !tally.failures.length) tally.failures.push(`no progress on ${stuck.map((a) => a.id).join(", ")}: each was already tried in this run`);
  if (!tally.stopAll) await settleConditions(ctx, model, plan);
  await flushStores(stores, tally);
  return {
    exitCode: tally.failures.length || tally.stopAll ? 1 : 0,
    actions: actionsRun,
    usage,
    projects: plan.projects.map((p) => ({ id: p.id, stage: p.stage, summary: p.summary })),
    failures: tally.failures,
    waiting,
    left: plan.projects.flatMap((p) => p.actions).filter(left).map((a) => `${a.project}/${a.task}`),
  };
}

/**
 * The projects this run covers, before anything is planned: each one's budget seeded with what it spent, status it
 * left uncommitted adopted, and a budget block lifted when it no longer holds. Returns the agency as loaded after.
 */
async function openProjects(ctx: RunContext, model: AgencyModel, { budget, only, load }: { budget: Budget; only: string[] | undefined; load: () => Promise<AgencyModel> }): Promise<AgencyModel> {
  let latest = model;
  for (const p of model.projects.values()) {
    if (only && !only.includes(p.id)) continue;
    budget.seed(p.id, p.status?.usage);
    await ctx.status(p).adoptUncommitted(p.id);
    // A budget block is re-evaluated by every run: raising the budget, or a new run's allowance, lifts it.
    if (blockedCondition(p.status?.conditions)?.reason === "BudgetExceeded" && budgetAllows(budget, p)) {
      await ctx.status(p).update((s) => clearProjectCondition(s, "Blocked", "BudgetExceeded"), `ateams: ${p.id} budget re-evaluated`, trailers({ project: p.id, kind: "status" }));
      latest = await load();
    }
  }
  return latest;
}

/** The status updates still pending, committed at the end of the run; one that cannot be fails the run. */
async function flushStores(stores: ReadonlyMap<string, StatusStore>, tally: RunNotes): Promise<void> {
  for (const s of stores.values()) {
    try {
      await s.flush();
    } catch (e) {
      const line = `status commit failed: ${errorLine(e)}`;
      if (!tally.failures.includes(line)) tally.failures.push(line);
      tally.stopAll = true;
    }
  }
}

/**
 * What every action runs with: the models (their calls added to `usage`), the memory ranker, the projects' status
 * stores (opened on first use, kept in `stores`), and progress.
 */
async function openRunContext(
  ws: Workspace,
  opts: RunOptions,
  { templates, model, stores, budget, usage }: { templates: Templates; model: () => AgencyModel; stores: Map<string, StatusStore>; budget: Budget; usage: UsageTotals },
): Promise<RunContext> {
  // The code sandbox's probe (a few processes, a second or more) runs once the first model calls are out, so no
  // task that may use the sandbox waits for it. (Warming git the same way gained nothing measurable at realistic
  // model latency — 1.018 of the bound without, 1.022 with — and was removed.)
  let probed = false;
  const progress: Progress = {
    emit(e) {
      if (!probed && e.kind === "start") {
        probed = true;
        if (mayUseSandbox(model())) setTimeout(() => void prepareSandbox(), PROBE_AFTER_MS).unref();
      }
      opts.progress.emit(e);
    },
  };
  const { spec } = model();
  const models = createModelRegistry(spec, {
    env: opts.env,
    cacheDir: join(ws.repoRoot, ".ateams", "cache"),
    formatsFile: join(ws.repoRoot, ".ateams", "response-formats.json"),
    ...(opts.createModel ? { create: opts.createModel } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const memory = await createMemoryRanker(spec, { env: opts.env, repoRoot: ws.repoRoot });
  return {
    ws,
    templates,
    memory,
    progress,
    now: opts.now ?? (() => new Date().toISOString().replace(/\.\d{3}Z$/, "Z")),
    ...(opts.deliverAssembly ? { deliverAssembly: opts.deliverAssembly } : {}),
    deps: {
      models,
      budget,
      memory,
      onCall: ({ project, agent, tier, result }) => {
        // A reply from the response cache is not a model call: nothing was asked or paid for.
        if (!result.cached) {
          addCall(usage, result.usage, tier.price);
        }
        // --verbose: what the call cost, and anything the provider made us work around (json_object mode, usage estimated).
        const notes = result.cached ? [] : result.warnings;
        opts.progress.emit({ kind: "call", project, text: `${agent} → ${result.cached ? "cache" : tier.model}: ${result.usage.inputTokens}+${result.usage.outputTokens} tokens, ${result.latencyMs} ms${notes.length ? ` (${notes.join("; ")})` : ""}` });
      },
    },
    status(project: LoadedProject) {
      let s = stores.get(project.id);
      if (!s) stores.set(project.id, (s = new StatusStore(ws, project)));
      return s;
    },
  };
}

/** .ateams/ holds the response cache: ignored by git without touching the user's .gitignore. */
export async function ensureSelfIgnoringDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), "*\n", { flag: "w" });
}

/** Whether the project may spend now; a block that still holds stays as it is (no commit just to re-set it). */
function budgetAllows(budget: Budget, project: LoadedProject): boolean {
  try {
    budget.check(project.spec);
    return true;
  } catch {
    return false;
  }
}
