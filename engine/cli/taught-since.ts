// Which finished tasks a lesson would change. The planner lists the finished tasks whose role's memory changed since
// they were done; this keeps those whose prompt would now recall something else (the ranker decides, as in a run).
// A task done before its status recorded what it recalled stays listed: its role learned, and no record says more.
import type { AgencyModel } from "../agency/model.ts";
import { recallForTask } from "../memory/recall.ts";
import type { MemoryRanker } from "../memory/ranker.ts";
import type { ReconcilePlan } from "../plan/types.ts";

export async function recallChangedSince(model: AgencyModel, plan: ReconcilePlan, ranker: MemoryRanker): Promise<ReconcilePlan> {
  const projects = await Promise.all(
    plan.projects.map(async (p) => {
      if (!p.taughtSince.length) return p;
      const project = model.projects.get(p.id)!;
      const kept: typeof p.taughtSince = [];
      for (const t of p.taughtSince) {
        const recorded = project.status?.tasks?.[t.task]?.memory;
        const stream = project.plan?.streams?.find((s) => s.tasks.some((x) => x.id === t.task));
        const task = stream?.tasks.find((x) => x.id === t.task);
        if (!recorded || !stream || !task || (await recallForTask(ranker, model, stream, task)).digest !== recorded) kept.push(t);
      }
      return { ...p, taughtSince: kept };
    }),
  );
  return { ...plan, projects };
}
