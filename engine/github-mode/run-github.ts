// `ateams run --forge github`: the reconcile loop with GitHub as the place people work. In order:
//   fetch the engine's branches → take in events (comments, reviews, /commands) → reconcile (runAgency, deliverable
//   on its own branch) → prepare plan-approval branches → push → open or update the pull requests → record their
//   numbers. Every step is idempotent, so Actions can run it on every event and on a schedule.
import { createMemoryRanker } from "../vector-index/create-ranker.ts";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createGitHubClient, readEvent, type AgencyEvent, type GitHubForge } from "../github/index.ts";
import { planAgency } from "../plan/plan.ts";
import { loadTemplates } from "../prompts/templates.ts";
import { Budget } from "../llm/budget.ts";
import type { Progress } from "../run/progress.ts";
import { takeRepository } from "../run/take-repository.ts";
import { createModelRegistry } from "../llm/providers.ts";
import { InvalidSpecsError, runAgency, type RunOptions, type RunReport } from "../run/run-agency.ts";
import { StatusStore } from "../run/status-store.ts";
import { openWorkspace, type Workspace } from "../run/workspace.ts";
import { loadAgency } from "../agency/load-agency.ts";
import type { AgencyModel } from "../agency/model.ts";
import { recordPlanFeedback } from "../status/director-feedback.ts";
import { recordStream } from "../status/record.ts";
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { streamFingerprint } from "../plan/plan-project.ts";
import type { Templates } from "../prompts/templates.ts";
import type { GitHubRunContext, GitHubSettings } from "./github-run-context.ts";
import { runIntake, type IntakeReport } from "./intake-run.ts";
import { preparePlanBranches } from "./plan-branch.ts";
import { publishPullRequests, type PublishReport } from "./publish.ts";
import { branchesToPush, fetchEngineBranches } from "./sync-remote.ts";
import { createGitRunner, parseBranchName } from "../forge/index.ts";
import { formatTrailers } from "../agency/commit-trailers.ts";

export interface GitHubRunOptions extends RunOptions {
  github: GitHubSettings;
  /** The Actions event to take in; without one (outside Actions, or on a schedule) comments are polled. */
  event?: AgencyEvent;
  remote?: string;
  /** Tests: a forge built on the fake GitHub. */
  forge?: GitHubForge;
}

export interface GitHubRunReport extends RunReport {
  intake: IntakeReport;
  publish: PublishReport;
  pushed: string[];
}

export async function runGitHub(opts: GitHubRunOptions): Promise<GitHubRunReport> {
  const ws = await openWorkspace(opts.agencyDir);
  // The whole job holds the repository's lock (intake, reconcile, publish); the reconcile inside knows it.
  const lock = await takeRepository(ws, { waitMs: opts.lockWaitMs, command: "run --forge github", progress: opts.progress });
  try {
    return await runGitHubLocked(ws, opts);
  } finally {
    lock.release();
  }
}

async function runGitHubLocked(ws: Workspace, opts: GitHubRunOptions): Promise<GitHubRunReport> {
  const remote = opts.remote ?? "origin";
  const templates = await loadTemplates();
  const now = opts.now ?? (() => new Date().toISOString().replace(/\.\d{3}Z$/, "Z"));
  const forge = opts.forge ?? createGitHubClient({ token: opts.github.token, owner: opts.github.owner, repo: opts.github.repo, baseUrl: opts.github.apiUrl });
  const ctx: GitHubRunContext = {
    forge,
    owner: opts.github.owner,
    repo: opts.github.repo,
    serverUrl: opts.github.serverUrl,
    remote,
    base: ws.workingBranch,
    ws,
    templates,
    progress: opts.progress,
    now,
    ...(opts.projects?.length ? { projects: new Set(opts.projects) } : {}),
  };
  const load = async (w: Workspace): Promise<AgencyModel> => {
    const r = await loadAgency(opts.agencyDir, { observeOutputs: w.observeOutputs });
    if (!r.ok) throw new InvalidSpecsError(r.diagnostics);
    return r.model;
  };

  const fetched = await fetchEngineBranches(ws, remote);
  if (fetched.updated.length) opts.progress.emit({ kind: "info", project: "-", text: `fetched ${fetched.updated.join(", ")}` });

  // People first: what they said since the last run is recorded before anything is planned.
  let model = await load(ws);
  const intake = await runIntake(ctx, model, opts.event ? { event: opts.event } : { poll: true }, {
    agents: { models: createModelRegistry(model.spec, { env: opts.env, cacheDir: join(ws.repoRoot, ".ateams", "cache"), ...(opts.createModel ? { create: opts.createModel } : {}) }), budget: new Budget(model.spec), memory: await createMemoryRanker(model.spec, { env: opts.env, repoRoot: ws.repoRoot }) },
  });

  const report = await runAgency({ ...opts, deliverAssembly: "branch", holdsLock: true });

  // Publish: push what changed, then make the pull requests say so. The plan-approval branches are prepared after
  // the reconcile, so a plan the PM proposed in this very run gets its PR now, not one run later.
  const fresh = await openWorkspace(opts.agencyDir);
  model = await load(fresh);
  const only = ctx.projects;
  await preparePlanBranches(fresh, model, only);
  const pushed = await pushAll(fresh, remote);
  const planned = planAgency(model, templates, opts.projects, now());
  const publish = await publishPullRequests({ ...ctx, ws: fresh }, model, planned);
  if (await recordPullRequests(fresh, model, publish, now(), { serverUrl: ctx.serverUrl, owner: ctx.owner, repo: ctx.repo }, only, templates)) pushed.push(...(await pushAll(fresh, remote)));
  return { ...report, intake, publish, pushed };
}

async function pushAll(ws: Workspace, remote: string): Promise<string[]> {
  const remotes = createGitRunner(ws.repoRoot);
  if (!(await remotes.text(["remote"])).split("\n").includes(remote)) return [];
  const branches = [...(await branchesToPush(ws, remote)), ws.workingBranch];
  const pushed: string[] = [];
  for (const b of branches) {
    const before = await ws.store.resolveRef(`refs/remotes/${remote}/${b}`);
    const r = await ws.store.push(b, remote);
    if (r.sha !== before) pushed.push(b);
  }
  return pushed;
}

/** PR numbers into status.yaml (so the next run finds them without a search), rejected PRs as conditions. */
export async function recordPullRequests(
  ws: Workspace,
  model: AgencyModel,
  publish: PublishReport,
  at: string,
  links: { serverUrl: string; owner: string; repo: string },
  only?: ReadonlySet<string>,
  templates?: Templates,
): Promise<boolean> {
  const before = await ws.store.resolveRef("HEAD");
  for (const project of model.projects.values()) {
    // Only the projects this run published: another project's status is another job's to write.
    if (only && !only.has(project.id)) continue;
    const rejected = publish.rejected.filter((r) => r.project === project.id);
    const merged = publish.merged.filter((r) => r.project === project.id && r.kind === "stream" && r.stream);
    const ours = [...publish.prs.keys()].some((branch) => parseBranchName(branch)?.project === project.id);
    // Nothing to record: no update at all, which for a project without status.yaml would write an empty one.
    if (!ours && !rejected.length && !merged.length) continue;
    // A stream PR merged by squash or rebase leaves the branch outside the working branch's history; GitHub's
    // word that it was merged accepts the stream, for the inputs its Collaborator verified.
    const prints = merged.length && templates ? fingerprintTasks(model, project, templates) : undefined;
    const store = new StatusStore(ws, project);
    await store.update(
      (s) => {
        let next = s;
        for (const [branch, number] of publish.prs) {
          const b = parseBranchName(branch);
          if (!b || b.project !== project.id) continue;
          if (b.kind === "plan" && next.plan?.pr !== number) next = { ...next, plan: { ...next.plan, pr: number } };
          if (b.kind === "assembly" && next.assembly && next.assembly.pr !== number) next = { ...next, assembly: { ...next.assembly, pr: number } };
          if (b.kind === "learning" && next.learning && next.learning.pr !== number) next = { ...next, learning: { ...next.learning, pr: number } };
          if (b.kind === "stream" && next.streams?.[b.stream]?.pr !== number) next = { ...next, streams: { ...next.streams, [b.stream]: { ...next.streams?.[b.stream], pr: number } } };
        }
        for (const m of merged) {
          const stream = project.plan?.streams?.find((s) => s.id === m.stream);
          const rec = next.streams?.[m.stream!];
          if (!stream || !prints) continue;
          const fp = streamFingerprint(stream, prints);
          if (rec?.verified?.fingerprint === fp && rec.accepted?.fingerprint !== fp) next = recordStream(next, m.stream!, "accepted", fp, at, "merged");
        }
        // A stream PR closed without merge is the reviewers' "no": the PM re-plans with that as feedback (recorded
        // once per PR), and the redone work arrives as a new PR; the closed one is never reopened.
        for (const r of rejected) {
          if (r.kind !== "stream" || !r.stream) continue;
          next = recordPlanFeedback(next, {
            by: "reviewers",
            at,
            source: `${links.serverUrl}/${links.owner}/${links.repo}/pull/${r.number}`,
            text: `The ${r.stream} stream was rejected: its pull request #${r.number} was closed without merging. Re-plan that stream (a different approach or scope), keeping what the other streams did.`,
          });
        }
        return next;
      },
      `ateams: ${project.id} pull requests recorded`,
      formatTrailers({ project: project.id, kind: "status" }),
    );
    await store.flush();
  }
  return (await ws.store.resolveRef("HEAD")) !== before;
}

/** The Actions event, if this run was started by one the engine takes in. */
export async function actionsEvent(env: NodeJS.ProcessEnv): Promise<AgencyEvent | undefined> {
  if (env.GITHUB_ACTIONS !== "true" || !env.GITHUB_EVENT_PATH) return undefined;
  return readEvent(env, (p) => readFile(p, "utf8"));
}

export type { Progress };
