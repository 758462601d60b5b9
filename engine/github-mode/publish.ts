// Shows the run's work on GitHub: for every project, the plan PR, one PR per stream and the assembly PR, each only
// where its branch exists locally (the orchestrator pushed it before calling), each with one sticky status
// comment. PRs are found by head branch in one listing per run and brought to the wanted state with as few writes as
// possible: a run with nothing new writes nothing. A PR people closed unmerged is their "no" and is never reopened;
// it is reported, as are merged ones, for the orchestrator to turn into conditions. Nothing is committed here:
// the PR numbers come back in `prs` for status.yaml.
import { readProjectMetrics } from "../run/project-metrics.ts";
import { learningFile } from "../run/execute-learning.ts";
import { renderReport } from "../metrics/report-view.ts";
import { join } from "node:path";
import { assemblyBranch, formatBranchName, learningBranch, planBranch } from "../forge/branch-name.ts";
import { ensurePullRequest, indexAgencyPullRequests, LabelEnsurer, type PullRequest, type PullRequestIndex } from "../github/index.ts";
import { sameBody } from "../github/same-body.ts";
import { fingerprintTasks } from "../plan/fingerprint.ts";
import type { ReconcilePlan } from "../plan/types.ts";
import { parseAssemblySummary } from "../publish/assembly-summary.ts";
import { githubLinks } from "../publish/pr-bodies.ts";
import type { AgencyModel } from "../agency/model.ts";
import type { GitHubRunContext } from "./github-run-context.ts";
import { localAgencyBranches, type LocalBranches } from "./publish-branches.ts";
import { assemblyPullRequest, learningPullRequest, planPullRequest, streamPullRequest, type PrKind, type ProjectPublishing, type WantedPullRequest } from "./publish-specs.ts";
import { publishStatusComment } from "./publish-status.ts";

export interface PublishedPullRequest {
  project: string;
  kind: PrKind;
  stream?: string;
  number: number;
}

export interface PublishReport {
  created: number;
  /** Open PRs that needed at least one write (title, body, base, ready, labels, reviewers). */
  updated: number;
  unchanged: number;
  /** Drafts marked ready for review this run (also counted in `updated`). */
  readied: number;
  /** Plan PRs closed because the plan was chosen on the working branch (by /approve). */
  closed: number;
  comments: { created: number; updated: number; unchanged: number };
  /** Closed without merge: never reopened; the orchestrator records a condition. */
  rejected: PublishedPullRequest[];
  merged: PublishedPullRequest[];
  /** Every PR seen or opened this run by head branch, whatever its state: plan.pr, streams.<id>.pr, assembly.pr. */
  prs: Map<string, number>;
  /** Things GitHub refused without making a PR wrong, e.g. a reviewer who is not a collaborator. */
  warnings: string[];
}

interface RunState {
  ctx: GitHubRunContext;
  index: PullRequestIndex;
  labels: LabelEnsurer;
  report: PublishReport;
}

/** The most of a PR body the metrics report may take. */
const MAX_REPORT_IN_BODY = 30_000;

export async function publishPullRequests(ctx: GitHubRunContext, model: AgencyModel, plan: ReconcilePlan): Promise<PublishReport> {
  const report: PublishReport = { created: 0, updated: 0, unchanged: 0, readied: 0, closed: 0, comments: { created: 0, updated: 0, unchanged: 0 }, rejected: [], merged: [], prs: new Map(), warnings: [] };
  const local = await localAgencyBranches(ctx.ws.repoRoot, ctx.base);
  const run: RunState = { ctx, index: await indexAgencyPullRequests(ctx.forge), labels: new LabelEnsurer(ctx.forge), report };
  const links = githubLinks(ctx.serverUrl, `${ctx.owner}/${ctx.repo}`);

  for (const planned of plan.projects) {
    const project = model.projects.get(planned.id);
    if (!project) continue;
    const p: ProjectPublishing = { model, project, planned, prints: fingerprintTasks(model, project, ctx.templates), templates: ctx.templates, base: ctx.base };
    const wanted = (branch: string) => publishable(local, run.index, branch);

    const planHead = formatBranchName(planBranch(project.id));
    if (project.plan?.chosen !== undefined) await closeDecidedPlan(run, project.id, project.plan.chosen, planHead);
    else {
      const planPr = wanted(planHead) ? planPullRequest(p, planHead) : undefined;
      if (planPr) await publish(run, planPr);
    }

    const streamPrs = new Map<string, number>();
    for (const stream of project.plan?.streams ?? []) {
      const head = ctx.ws.streamBranchOf(project.id, stream.id);
      if (!wanted(head)) continue;
      const number = await publish(run, streamPullRequest(p, stream, head, links));
      streamPrs.set(stream.id, number);
    }

    const assemblyHead = formatBranchName(assemblyBranch(project.id));
    if (wanted(assemblyHead)) {
      const summary = parseAssemblySummary(await ctx.ws.store.readFile(assemblyHead, ctx.ws.repoPath(join(project.dir, "outputs", "SUMMARY.md"))));
      const { records, problems } = await readProjectMetrics(project, ctx.ws);
      const report = records.length ? renderReport(ctx.templates, project.id, records, problems) : "";
      // GitHub refuses a body over 65,536 characters: a report that would crowd it out is named, not embedded.
      const metrics = report.length <= MAX_REPORT_IN_BODY ? report : `The project's report is too long for this page: \`ateams report --project ${project.id}\` (or \`--html\`) shows it.`;
      await publish(run, assemblyPullRequest(p, assemblyHead, summary, streamPrs, metrics));
    }

    const learningHead = formatBranchName(learningBranch(project.id));
    if (wanted(learningHead)) {
      const analysis = await ctx.ws.store.readFile("HEAD", ctx.ws.repoPath(learningFile(project)));
      if (analysis !== undefined) await publish(run, learningPullRequest(p, learningHead, analysis));
    }
  }
  return report;
}

/**
 * A branch gets a PR while it has commits the working branch lacks. One whose work is already in (a stream the
 * engine merged) needs none, and GitHub would refuse to open one; an open PR for it is still kept up to date.
 */
function publishable(local: LocalBranches, index: PullRequestIndex, branch: string): boolean {
  return local.exists(branch) && (local.ahead(branch) || index.existing(branch)?.state === "open");
}

/**
 * A plan chosen on the working branch (`/approve option-2`, `ateams approve`) makes its approval PR moot: one still
 * open is closed, saying why. A decided plan gets no PR, so its closed one costs no lookup on later runs.
 */
async function closeDecidedPlan(run: RunState, project: string, chosen: string, head: string): Promise<void> {
  const open = run.index.existing(head);
  if (open?.state !== "open") return;
  await run.ctx.forge.createIssueComment(open.number, `The plan was approved with \`${chosen}\`; this pull request is no longer needed.`);
  await run.ctx.forge.updatePullRequest(open.number, { state: "closed" });
  run.report.closed++;
  run.ctx.progress.emit({ kind: "info", project, text: `plan: PR #${open.number} closed, the plan was approved with ${chosen}` });
}

/**
 * Reviewers are asked for when a PR is opened, turns ready, or changes. Otherwise their check is skipped: someone
 * who has already reviewed drops off the requested list, and confirming that costs a read of the reviews on every
 * run, for a PR where nothing happened.
 */
function reviewersDue(existing: PullRequest | null | undefined, wanted: WantedPullRequest): boolean {
  if (!existing) return true;
  const spec = wanted.spec;
  return (existing.draft && !spec.draft) || existing.title !== spec.title || !sameBody(existing.body, spec.body);
}

async function publish(run: RunState, wanted: WantedPullRequest): Promise<number> {
  const { ctx, report } = run;
  const existing = run.index.existing(wanted.spec.head);
  const tip = await ctx.ws.store.resolveRef(`refs/heads/${wanted.spec.head}`);
  const base = reviewersDue(existing, wanted) ? wanted.spec : { ...wanted.spec, reviewers: [] };
  const spec = tip ? { ...base, tip } : base;
  const result = await ensurePullRequest(ctx.forge, spec, { existing, labels: run.labels });
  const number = result.pr.number;
  report.prs.set(wanted.spec.head, number);
  const what = wanted.stream ? `stream ${wanted.stream}` : wanted.kind;

  if (result.state !== "open") {
    report[result.state].push({ project: wanted.project, kind: wanted.kind, ...(wanted.stream ? { stream: wanted.stream } : {}), number });
    ctx.progress.emit({ kind: "info", project: wanted.project, text: `${what}: PR #${number} was ${result.state === "merged" ? "merged" : "closed without merge; not reopened"}` });
    return number;
  }
  if (result.created) report.created++;
  else if (result.changes.length) report.updated++;
  else report.unchanged++;
  if (result.changes.includes("ready")) report.readied++;
  for (const warning of result.warnings) {
    report.warnings.push(`${wanted.project} ${what} (#${number}): ${warning}`);
    ctx.progress.emit({ kind: "info", project: wanted.project, text: `${what}: ${warning}` });
  }
  if (result.created) ctx.progress.emit({ kind: "info", project: wanted.project, text: `${what}: opened PR #${number}${spec.draft ? " (draft)" : ""}` });
  else if (result.changes.includes("ready")) ctx.progress.emit({ kind: "info", project: wanted.project, text: `${what}: PR #${number} ready for review` });

  const comment = await publishStatusComment(ctx, number, wanted.statusKey, wanted.scope, result.created);
  report.comments[comment]++;
  return number;
}
