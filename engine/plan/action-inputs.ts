// What a project-level action is given, as one digest: a failure is counted against these inputs (status/retry.ts),
// and new inputs (an edited objective, another option, changed streams) start the count afresh. Pure; the planner
// and the executor that records a failure compute it the same way.
import type { LoadedProject } from "../agency/model.ts";
import { digest } from "./digest.ts";

export function actionInputs(project: LoadedProject, kind: string, fingerprint: string | null): string {
  switch (kind) {
    case "propose-plan":
      return digest({ kind, project: project.spec, feedback: project.status?.plan?.feedback ?? [] });
    case "decompose-plan": {
      const plan = project.plan;
      const option = plan?.options.find((o) => o.id === (plan.chosen ?? plan.recommended)) ?? null;
      return digest({ kind, project: project.spec, option });
    }
    default:
      return digest({ kind, fingerprint });
  }
}
