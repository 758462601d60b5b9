// Pull request bodies and the sticky status comment, rendered from templates/pr/ with the state they describe.
import { join } from "node:path";
import type { TaskFingerprint } from "../plan/fingerprint.ts";
import { renderMermaid } from "../plan/render-mermaid.ts";
import { formatTokens, formatUsd } from "../agency/usage.ts";
import type { ProjectPlan } from "../plan/types.ts";
import type { Templates } from "../prompts/templates.ts";
import { specialistIdOf } from "../prompts/views.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Stream } from "../agency/types.gen.ts";
import { formatPrMeta, statusMarker, type PrMeta } from "./pr-meta.ts";
import { trueCondition } from "../status/conditions.ts";
import { directorHandle, projectDirector } from "../agency/settings.ts";

export interface Links {
  /** Turns a repository path on a branch into a link; plain paths when no web URL is known. */
  file(branch: string, path: string): string;
}

export const plainLinks: Links = { file: (_b, p) => p };

export function githubLinks(serverUrl: string, repository: string): Links {
  return { file: (branch, path) => `${serverUrl}/${repository}/blob/${encodeURIComponent(branch).replace(/%2F/g, "/")}/${path}` };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function planPrBody(templates: Templates, model: AgencyModel, project: LoadedProject, planned: ProjectPlan, prints: ReadonlyMap<string, TaskFingerprint>, meta: PrMeta): string {
  const plan = project.plan!;
  const streams = plan.streams ?? [];
  return templates.render("pr/plan", {
    project: project.spec,
    summary: plan.summary ?? null,
    options: plan.options.map((o) => ({
      ...o,
      estimate: { costUsd: o.estimate.costUsd.toFixed(2), tokens: o.estimate.tokens ?? null, tasks: o.estimate.tasks ?? null },
      recommended: o.id === plan.recommended,
      rows: Array.from({ length: Math.max(o.pros.length, o.cons.length, 1) }, (_, i) => ({ pro: cell(o.pros[i] ?? ""), con: cell(o.cons[i] ?? "") })),
    })),
    recommended: plan.recommended,
    otherOptions: plan.options.map((o) => o.id).filter((id) => id !== plan.recommended),
    basedOn: plan.basedOn ?? null,
    streams,
    mermaid: streams.length ? renderMermaid(model, { projects: [planned], totals: { actions: 0, llmCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 } }).trimEnd() : "",
    tasks: streams.flatMap((s) =>
      s.tasks.map((t) => ({ stream: s.id, id: t.id, title: cell(t.title), role: t.role, tier: prints.get(t.id)?.routing.tier ?? "-", deps: (t.dependsOn ?? []).map((d) => `\`${d}\``).join(", ") || "—" })),
    ),
    meta: formatPrMeta(meta),
  });
}

export function streamPrBody(templates: Templates, project: LoadedProject, stream: Stream, branch: string, links: Links, meta: PrMeta): string {
  const status = project.status;
  const verified = status?.streams?.[stream.id]?.verified?.fingerprint === meta.fingerprint;
  const specialists = [...new Set(stream.tasks.map(specialistIdOf))];
  const rel = (p: string) => join("agency", "projects", project.id, p); // display only; links resolve below
  return templates.render("pr/stream", {
    project: project.spec,
    stream,
    criteria: stream.successCriteria.map((text) => ({ text, met: verified })),
    tasks: stream.tasks.map((t) => {
      const rec = status?.tasks?.[t.id];
      const failed = trueCondition(rec?.conditions, "Failed");
      const state = failed ? `✗ ${failed.reason}` : rec?.fingerprint ? `✓ done${rec.revisions ? ` (${rec.revisions} revision${rec.revisions === 1 ? "" : "s"})` : ""}` : "⏳ pending";
      return {
        id: t.id,
        title: cell(t.title),
        role: t.role,
        model: rec?.model ?? "—",
        tokens: rec?.usage ? formatTokens((rec.usage.inputTokens ?? 0) + (rec.usage.outputTokens ?? 0)) : "—",
        cost: rec?.usage?.costUsd !== undefined ? formatUsd(rec.usage.costUsd) : "—",
        state,
      };
    }),
    logs: specialists.map((name) => ({ name, path: links.file(branch, rel(`log/${stream.id}/${name}.md`)) })),
    meta: formatPrMeta(meta),
  });
}

/** `metrics`: the project's `ateams report` Markdown ("" leaves the section out). */
export function assemblyPrBody(templates: Templates, model: AgencyModel, project: LoadedProject, summary: { text: string; openQuestions: string[] }, meta: PrMeta, metrics = ""): string {
  const director = projectDirector(model.spec, project.spec);
  return templates.render("pr/assembly", {
    project: project.spec,
    director: director.github,
    deliverable: project.spec.deliverable?.path ?? `${project.id}.md`,
    summary: summary.text,
    openQuestions: summary.openQuestions,
    streams: (project.plan?.streams ?? []).map((s) => ({ title: s.title, tasks: s.tasks.length, pr: project.status?.streams?.[s.id]?.pr ?? null })),
    metrics: metrics.trim(),
    meta: formatPrMeta(meta),
  });
}

/** The learning PR: the L&P Manager's analysis with its proposals and evidence (projects/<id>/learning.md). */
export function learningPrBody(templates: Templates, model: AgencyModel, project: LoadedProject, analysis: string, meta: PrMeta): string {
  return templates.render("pr/learning", {
    project: project.spec,
    director: directorHandle(model.spec, project.spec),
    analysis: analysis.trim(),
    meta: formatPrMeta(meta),
  });
}

export function statusCommentBody(templates: Templates, key: string, planned: ProjectPlan, at: string, scope?: { stream: string }): string {
  const actions = planned.actions.filter((a) => !scope || a.stream === scope.stream);
  const icon: Record<string, string> = { "run-task": "⏳", "verify-task": "🔎", "verify-stream": "🔎", "merge-stream": "🔀", "await-review": "👀", "await-approval": "👀", assemble: "📦" };
  return templates.render("pr/status-comment", {
    marker: statusMarker(key),
    stage: planned.stage,
    at,
    summary: planned.summary,
    rows: actions.filter((a) => a.kind !== "verify-task").map((a) => ({ icon: icon[a.kind] ?? "·", item: a.task ?? a.stream ?? a.kind, state: a.kind, note: cell(a.reason) })),
    blocked: planned.blocked.filter((b) => !scope || b.stream === scope.stream).map((b) => `\`${b.task}\`: ${b.reason}`),
  });
}
