// At the end of a run: the project conditions that say where each project stands (awaiting a person, assembled,
// no longer progressing), written only when they change.
import type { AgencyModel } from "../agency/model.ts";
import type { ReconcilePlan } from "../plan/types.ts";
import { clearProjectCondition, setCondition } from "../status/record.ts";
import { trailers, type RunContext } from "./run-context.ts";

/** Project conditions that say where each project stands, written only when they change. */
export async function settleConditions(ctx: RunContext, model: AgencyModel, plan: ReconcilePlan): Promise<void> {
  const at = ctx.now();
  for (const p of plan.projects) {
    const project = model.projects.get(p.id)!;
    const awaiting = p.actions.find((a) => a.kind === "await-approval" || a.kind === "await-review");
    await ctx.status(project).update(
      (s) => {
        let next = s;
        if (awaiting) {
          const reason = awaiting.kind === "await-approval" ? "PlanAwaitingApproval" : "StreamsAwaitingReview";
          next = { ...next, conditions: setCondition(next.conditions, { type: "AwaitingApproval", status: "True", reason, message: awaiting.reason }, at) };
        } else next = clearProjectCondition(next, "AwaitingApproval");
        if (p.stage === "done") next = { ...next, conditions: setCondition(next.conditions, { type: "Ready", status: "True", reason: "Assembled", message: "all streams accepted and the deliverable assembled" }, at) };
        if (p.stage === "done" || p.stage === "awaiting-approval") next = clearProjectCondition(next, "Progressing");
        return next;
      },
      `ateams: ${p.id} ${p.stage}`,
      trailers({ project: p.id, kind: "status" }),
    );
  }
}
