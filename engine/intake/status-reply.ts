// The answer to /status: what `ateams status` shows for one project (status/status-view.ts), as Markdown for a PR or
// issue comment. What needs a person comes first, with the command that resolves it where they are reading.
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { planAgency } from "../plan/plan.ts";
import { streamFingerprint } from "../plan/plan-project.ts";
import type { Templates } from "../prompts/templates.ts";
import type { AgencyModel } from "../agency/model.ts";
import { formatCondition, projectReport, type Attention, type ProjectReport } from "../status/status-view.ts";

const HINT: Record<Attention["kind"], string | null> = {
  "awaiting-approval": "`/approve [option]` on the plan PR",
  "awaiting-review": "`/approve` on the stream's PR",
  blocked: null,
  failed: "`/retry` once the cause is fixed",
};

export function statusReply(model: AgencyModel, projectId: string, templates: Templates): string {
  const project = model.projects.get(projectId)!;
  const [plan] = planAgency(model, templates, [projectId]).projects;
  const prints = fingerprintTasks(model, project, templates);
  const streamFingerprints = new Map((project.plan?.streams ?? []).map((s) => [s.id, streamFingerprint(s, prints)]));
  return renderStatusReply(projectReport({ project, plan: plan!, streamFingerprints }));
}

export function renderStatusReply(p: ProjectReport): string {
  const out = [`**${cell(p.name)}** (\`${p.id}\`) · stage: **${p.stage}** · oversight: ${p.oversight}`, "", cell(p.summary)];
  if (p.attention.length) {
    out.push("", "Needs a person:");
    for (const a of p.attention) {
      const hint = HINT[a.kind] ?? commentHint(a.hint);
      out.push(`- ${a.kind.replace("-", " ")}: ${cell(a.message)}${hint ? ` → ${hint}` : ""}`);
    }
  }
  if (p.plan) {
    const approval = p.plan.approval ? `, approved by @${p.plan.approval.by}` : "";
    out.push("", `Plan: options ${p.plan.options.join(", ")}; recommended ${p.plan.recommended}; chosen ${p.plan.chosen ?? "none yet"}${approval}.`);
  }
  if (p.streams.length) {
    out.push("", "| stream | stage | note |", "| --- | --- | --- |");
    for (const s of p.streams) out.push(`| ${s.id} | ${s.stage} | ${cell(s.reason ?? "")} |`);
  }
  if (p.tasks.length) {
    out.push("", "| task | stream | stage | condition | model |", "| --- | --- | --- | --- | --- |");
    for (const t of p.tasks) out.push(`| ${t.id} | ${t.stream} | ${t.stage}${t.reason ? `: ${cell(t.reason)}` : ""} | ${formatCondition(t.condition)} | ${t.model ?? "-"} |`);
  }
  const u = p.usage;
  out.push("", `Spent so far: ${u.calls} model call${u.calls === 1 ? "" : "s"}, ${u.inputTokens + u.outputTokens} tokens, $${u.costUsd.toFixed(4)}.`);
  return out.join("\n");
}

/** The terminal command that lifts a block (`ateams answer alpha draft <answer>`), as its PR-comment twin. */
function commentHint(hint: string | null): string | null {
  const m = hint ? /^ateams (\S+) \S+(.*)$/.exec(hint) : null;
  if (!m) return null;
  const stream = / --stream (\S+)/.exec(m[2]!)?.[1];
  const rest = m[2]!.replace(/ --stream \S+/, "");
  return `\`/${m[1]}${rest}\`${stream ? ` on the ${stream} stream's PR` : ""}`;
}

/** Table cells and list items cannot hold pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}
