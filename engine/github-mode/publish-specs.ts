// What each of a project's PRs should look like, as data: head, title, body, draft flag, labels and
// reviewers, plus the slice of the project's plan its sticky status comment reports. Pure; publish.ts applies it.
import { AGENCY_LABEL, projectLabel, stateLabel, type PullRequestSpec } from "../github/index.ts";
import { digest } from "../plan/digest.ts";
import type { TaskFingerprint } from "../plan/fingerprint.ts";
import { assemblyFingerprint, streamFingerprint } from "../plan/plan-project.ts";
import type { ActionKind, ProjectPlan } from "../plan/types.ts";
import type { Templates } from "../prompts/templates.ts";
import type { AssemblySummary } from "../publish/assembly-summary.ts";
import { assemblyPrBody, learningPrBody, planPrBody, streamPrBody, type Links } from "../publish/pr-bodies.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Stream } from "../agency/types.gen.ts";
import { isBlocked } from "../status/conditions.ts";
import { directorHandle } from "../agency/settings.ts";

export type PrKind = "plan" | "stream" | "assembly" | "learning";
export type StreamState = "in-progress" | "ready-for-review" | "blocked";

export interface WantedPullRequest {
  project: string;
  kind: PrKind;
  stream?: string;
  spec: PullRequestSpec;
  /** Key of the PR's sticky status comment: `<p>`, `<p>/<stream>`, `<p>/assembly`. */
  statusKey: string;
  /** The project's plan narrowed to what this PR is about, for its status comment. */
  scope: ProjectPlan;
}

/** What every PR of a project shares. */
export interface ProjectPublishing {
  model: AgencyModel;
  project: LoadedProject;
  planned: ProjectPlan;
  prints: ReadonlyMap<string, TaskFingerprint>;
  templates: Templates;
  base: string;
}

const PLAN_KINDS: ReadonlySet<ActionKind> = new Set(["propose-plan", "decompose-plan", "approve-plan", "await-approval"]);

function uniqueLogins(logins: readonly string[]): string[] {
  const seen = new Set<string>();
  return logins.filter((l) => !seen.has(l.toLowerCase()) && seen.add(l.toLowerCase()));
}

export function streamState(project: LoadedProject, planned: ProjectPlan, stream: Stream, fingerprint: string): StreamState {
  const status = project.status;
  if (isBlocked(status?.conditions) || isBlocked(status?.streams?.[stream.id]?.conditions) || planned.blocked.some((b) => b.stream === stream.id)) return "blocked";
  return status?.streams?.[stream.id]?.verified?.fingerprint === fingerprint ? "ready-for-review" : "in-progress";
}

export function planPullRequest(p: ProjectPublishing, head: string): WantedPullRequest | undefined {
  const { project, planned } = p;
  if (!project.plan) return undefined;
  // The plan's content is what the body shows, so its digest is the state the body was rendered for.
  const meta = { project: project.id, kind: "plan" as const, fingerprint: digest(project.plan) };
  return {
    project: project.id,
    kind: "plan",
    statusKey: project.id,
    scope: { ...planned, actions: planned.actions.filter((a) => PLAN_KINDS.has(a.kind)), blocked: [] },
    spec: {
      head,
      base: p.base,
      title: `ateams: plan for ${project.spec.name}`,
      body: planPrBody(p.templates, p.model, project, planned, p.prints, meta),
      draft: false,
      labels: [AGENCY_LABEL, projectLabel(project.id), stateLabel("awaiting-approval")],
      reviewers: [directorHandle(p.model.spec, project.spec)],
    },
  };
}

export function streamPullRequest(p: ProjectPublishing, stream: Stream, head: string, links: Links): WantedPullRequest {
  const { project, planned } = p;
  const fingerprint = streamFingerprint(stream, p.prints);
  const state = streamState(project, planned, stream, fingerprint);
  return {
    project: project.id,
    kind: "stream",
    stream: stream.id,
    statusKey: `${project.id}/${stream.id}`,
    scope: { ...planned, actions: planned.actions.filter((a) => a.stream === stream.id), blocked: planned.blocked.filter((b) => b.stream === stream.id) },
    spec: {
      head,
      base: p.base,
      title: `ateams: ${project.spec.name} · ${stream.title}`,
      body: streamPrBody(p.templates, project, stream, head, links, { project: project.id, kind: "stream", stream: stream.id, fingerprint }),
      // A draft until its Collaborator has passed the stream as it stands now.
      draft: state !== "ready-for-review",
      labels: [AGENCY_LABEL, projectLabel(project.id), stateLabel(state)],
      reviewers: uniqueLogins([directorHandle(p.model.spec, project.spec), ...(stream.humanSpecialists ?? [])]),
    },
  };
}

/**
 * `streamPrs`: the stream PR numbers known this run, so the body lists them in the same run they are opened
 * instead of one run later (from status.yaml), which would rewrite the body once for nothing.
 */
export function assemblyPullRequest(p: ProjectPublishing, head: string, summary: AssemblySummary, streamPrs: ReadonlyMap<string, number>, metrics = ""): WantedPullRequest {
  const { project, planned } = p;
  const fingerprint = project.status?.assembly?.fingerprint ?? assemblyFingerprint(project, p.prints, p.templates);
  const streams = Object.fromEntries(
    (project.plan?.streams ?? []).map((s) => {
      const recorded = project.status?.streams?.[s.id] ?? {};
      const pr = streamPrs.get(s.id) ?? recorded.pr;
      return [s.id, pr === undefined ? recorded : { ...recorded, pr }];
    }),
  );
  const withPrs: LoadedProject = { ...project, status: { ...(project.status ?? { project: project.id }), streams } };
  return {
    project: project.id,
    kind: "assembly",
    statusKey: `${project.id}/assembly`,
    scope: { ...planned, actions: planned.actions.filter((a) => a.kind === "assemble") },
    spec: {
      head,
      base: p.base,
      title: `ateams: deliverable for ${project.spec.name}`,
      body: assemblyPrBody(p.templates, p.model, withPrs, summary, { project: project.id, kind: "assembly", fingerprint }, metrics),
      draft: false,
      labels: [AGENCY_LABEL, projectLabel(project.id), stateLabel("ready-for-review")],
      reviewers: [directorHandle(p.model.spec, project.spec)],
    },
  };
}

/**
 * The L&P Manager's proposals: the body is its analysis as the branch holds it (scores, each lesson and role edit with
 * the evidence it quotes), so the review a person reads is exactly what merging it records.
 */
export function learningPullRequest(p: ProjectPublishing, head: string, analysis: string): WantedPullRequest {
  const { project, planned } = p;
  const meta = { project: project.id, kind: "learning" as const, fingerprint: project.status?.learning?.fingerprint ?? digest(analysis) };
  return {
    project: project.id,
    kind: "learning",
    statusKey: `${project.id}/learning`,
    scope: { ...planned, actions: planned.actions.filter((a) => a.kind === "review-learning" || a.kind === "review-stream"), blocked: [] },
    spec: {
      head,
      base: p.base,
      title: `ateams: lessons and role edits from ${project.spec.name}`,
      body: learningPrBody(p.templates, p.model, project, analysis, meta),
      draft: false,
      labels: [AGENCY_LABEL, projectLabel(project.id), stateLabel("ready-for-review")],
      reviewers: [directorHandle(p.model.spec, project.spec)],
    },
  };
}
