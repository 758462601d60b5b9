// Checks a PM-written plan (and new roles) exactly as the loader would before anything is committed (size limit,
// schema, cross-file checks); the problems go back to the PM as a repair turn.
import { crossCheck } from "../agency/cross-check.ts";
import type { AgencyModel, LoadedRole } from "../agency/model.ts";
import type { Plan, Role } from "../agency/types.gen.ts";
import { specTextProblems } from "./spec-guard.ts";
import { join } from "node:path";

/**
 * Tasks one PM-written plan may have: status.yaml keeps about 1 KB per task and must stay within the loader's 1 MiB,
 * so a plan past this would make its own status unloadable as it runs.
 */
export const MAX_PLAN_TASKS = 500;

export function planProblems(model: AgencyModel, projectId: string, plan: Plan, planText: string, newRoles: { role: Role; text: string }[]): string[] {
  const tasks = (plan.streams ?? []).reduce((n, s) => n + s.tasks.length, 0);
  if (tasks > MAX_PLAN_TASKS) return [`the plan has ${tasks} tasks; at most ${MAX_PLAN_TASKS} fit one project (its status.yaml must stay under 1 MiB): merge tasks into fewer, larger ones`];
  const problems = specTextProblems("plan", planText, "plan.yaml");
  for (const r of newRoles) {
    problems.push(...specTextProblems("role", r.text, `roles/${r.role.id}.yaml`));
    if (model.roles.has(r.role.id)) problems.push(`new role '${r.role.id}' already exists: reuse it instead of redefining it`);
  }
  if (problems.length) return problems;
  const project = model.projects.get(projectId)!;
  const roles = new Map<string, LoadedRole>(model.roles);
  for (const r of newRoles) roles.set(r.role.id, { id: r.role.id, file: join(model.dir, "roles", `${r.role.id}.yaml`), spec: r.role });
  const candidate: AgencyModel = { ...model, roles, projects: new Map(model.projects).set(projectId, { ...project, plan }) };
  for (const s of plan.streams ?? []) if (s.id === "plan" || s.id === "assembly") problems.push(`stream id '${s.id}' is reserved; choose another`);
  const diags = crossCheck(candidate, new Map(), { roleIds: new Set(roles.keys()), projectIds: new Set(model.projects.keys()) });
  return [...problems, ...diags.filter((d) => d.severity === "error" && (d.file === project.planFile || d.file.includes("/roles/"))).map((d) => d.message)];
}

