// The plan pull request's branch: one commit on top of the working branch that records the recommended option as
// chosen. Its diff IS the approval, so merging the PR approves the plan; `/approve option-2` chooses another one.
import { readFileSync } from "node:fs";
import { formatBranchName, planBranch } from "../forge/index.ts";
import { oversightOf } from "../prompts/views.ts";
import { approveInText } from "../rewrite/plan-yaml.ts";
import type { AgencyModel } from "../agency/model.ts";
import { directorHandle } from "../agency/settings.ts";
import { trailers } from "../run/run-context.ts";
import type { Workspace } from "../run/workspace.ts";

export interface PlanBranches {
  /** Branches committed to for plans awaiting approval. */
  awaiting: string[];
}

export async function preparePlanBranches(ws: Workspace, model: AgencyModel, only?: ReadonlySet<string>): Promise<PlanBranches> {
  const out: PlanBranches = { awaiting: [] };
  for (const project of model.projects.values()) {
    if (only && !only.has(project.id)) continue;
    const plan = project.plan;
    if (!plan) continue;
    const branch = formatBranchName(planBranch(project.id));
    // A chosen plan needs no approval branch; publish closes a PR still open for it.
    if (plan.chosen) continue;
    if (oversightOf(model, project) === "autonomous" || plan.basedOn !== plan.recommended || !plan.streams?.length) continue;
    // Stamped with the plan's own commit time, not the clock: the same plan gives the same branch on every run.
    const [last] = await ws.store.log({ ref: ws.workingBranch, path: ws.repoPath(project.planFile), maxCount: 1 });
    const at = (last?.date ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, "Z");
    const text = approveInText(readFileSync(project.planFile, "utf8"), plan.recommended, directorHandle(model.spec, project.spec), at);
    await ws.commitBranch(branch, [{ path: ws.repoPath(project.planFile), content: text }], `ateams: approve ${plan.recommended} for ${project.id}`, trailers({ project: project.id, kind: "plan-approval" }));
    out.awaiting.push(branch);
  }
  return out;
}
