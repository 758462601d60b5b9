// propose-plan, decompose-plan, approve-plan: the PM writes plan.yaml (and any new role), validated exactly as the
// loader validates before it is committed; autonomous oversight records the recommendation as the choice.
import { recallForProject } from "../memory/recall.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decompose, proposeOptions } from "../agents/pm.ts";
import { emptyUsage } from "../agency/usage.ts";
import { feedbackDigest } from "../plan/plan-feedback.ts";
import { agentTier } from "../plan/route.ts";
import type { PlanningAction } from "../plan/types.ts";
import { pmView } from "../prompts/views.ts";
import { approveInText, planFromOptions, serializePlan, withDecomposition } from "../rewrite/plan-yaml.ts";
import { roleFromReply, serializeRole } from "../rewrite/role-yaml.ts";
import { schemaRefFor } from "../rewrite/schema-ref.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { PmDecompositionReply, PmOptionsReply } from "../agency/types.gen.ts";
import { addUsage, clearProjectCondition, setProjectCondition } from "../status/record.ts";
import { depsForAttempt, trailers, type RunContext } from "./run-context.ts";
import { actionAttempt, actionKey, taskAttempt } from "../status/retry.ts";
import { planProblems } from "./plan-checks.ts";
import { PlanRejectedError } from "./spec-guard.ts";
import { joinInside } from "../forge/safe-path.ts";
import { accounted } from "./outcome.ts";

export async function executePlanning(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: PlanningAction): Promise<void> {
  const pm = agentTier(model.spec, "projectManager");
  const recalled = action.kind === "approve-plan" ? undefined : await recallForProject(ctx.memory, model, project);
  const system = ctx.templates.render("pm.system", pmView(model, project, recalled));
  const usage = emptyUsage();
  const status = ctx.status(project);
  const planPath = ctx.ws.repoPath(project.planFile);
  const planRef = schemaRefFor(project.planFile, ctx.ws.repoRoot, "plan");
  const base = { project: project.spec, tier: pm.id, system, usage };
  const deps = depsForAttempt(ctx.deps, actionAttempt(status.current, actionKey(action.kind)));
  if (action.kind !== "approve-plan") ctx.progress.emit({ kind: "start", project: project.id, action: action.kind, text: `PM on ${pm.model}` });

  return accounted(usage, async () => {
    if (action.kind === "propose-plan") {
      // The Director's /revise on the plan PR: shown to the PM, and its digest recorded so the planner stops asking.
      const feedback = project.status?.plan?.feedback ?? [];
      // Unique option ids and a recommendation among them are checked with the reply (reply-checks.ts).
      const options = (await proposeOptions(deps, ctx.templates, base, feedback)).value;
      const plan = planFromOptions(project.id, options);
      await commitPlan(serializePlan(plan, planRef), [], `ateams: ${project.id} plan options from the PM`, "plan", options, usage, feedbackDigest(feedback));
      ctx.progress.emit({ kind: "done", project: project.id, action: action.kind, text: `${options.options.length} options, recommends ${options.recommended}` });
      return;
    }

    if (action.kind === "decompose-plan") {
      const plan = project.plan!;
      const optionId = plan.chosen ?? plan.recommended;
      const option = plan.options.find((o) => o.id === optionId)!;
      const roleRef = schemaRefFor(join(model.dir, "roles", "x.yaml"), ctx.ws.repoRoot, "role");
      // What the reply would write, built once per reply: checked as the loader would, then committed as checked.
      const written = (value: PmDecompositionReply) => {
        const next = withDecomposition(plan, optionId, value);
        const text = serializePlan(next, planRef);
        const roles = value.newRoles.map((r) => ({ role: roleFromReply(r), text: serializeRole(roleFromReply(r), roleRef) }));
        return { next, text, roles };
      };
      // Every problem the loader would find goes back to the PM with the reply's own, in one repair turn.
      const planProblemsOf = (value: PmDecompositionReply) => {
        const w = written(value);
        return planProblems(model, project.id, w.next, w.text, w.roles);
      };
      const reply = await decompose(deps, ctx.templates, { ...base, agency: model.spec, option, roleIds: [...model.roles.keys()], planProblems: planProblemsOf });
      const { next, text, roles } = written(reply.value);
      const roleFiles = roles.map((r) => ({ path: joinInside(ctx.ws.repoPath(join(model.dir, "roles")), `${r.role.id}.yaml`), content: r.text }));
      // Keep what the PM wrote before (options, comments, an approval) by re-serialising only from plan data.
      await commitPlan(text, roleFiles, `ateams: ${project.id} decomposed ${optionId} into ${next.streams!.length} streams`, "plan", undefined, usage);
      ctx.progress.emit({ kind: "done", project: project.id, action: action.kind, text: `${next.streams!.length} streams, ${next.streams!.reduce((n, s) => n + s.tasks.length, 0)} tasks${roles.length ? `, new roles: ${roles.map((r) => r.role.id).join(", ")}` : ""}` });
      return;
    }

    if (action.kind === "approve-plan") {
      const plan = project.plan!;
      const text = approveInText(readFileSync(project.planFile, "utf8"), plan.recommended, "ateams (autonomous oversight)", ctx.now());
      await status.update((s) => clearProjectCondition(s, "AwaitingApproval"), `ateams: ${project.id} plan ${plan.recommended} approved (autonomous)`, trailers({ project: project.id, kind: "approve" }), [{ path: planPath, content: text }]);
      ctx.progress.emit({ kind: "done", project: project.id, action: action.kind, text: `autonomous: proceeding with ${plan.recommended}` });
    }
  });

  async function commitPlan(text: string, extra: { path: string; content: string }[], message: string, kind: string, options: PmOptionsReply | undefined, spent: typeof usage, shownFeedback?: string) {
    const body = options ? `\n\n${options.summary}\n\nRecommended: ${options.recommended}. ${options.rationale}` : "";
    await status.update(
      (s) => {
        const withUsage = { ...s, usage: addUsage(s.usage, spent), ...(shownFeedback ? { plan: { ...s.plan, feedbackDigest: shownFeedback } } : {}) };
        return setProjectCondition(withUsage, { type: "Progressing", status: "True", reason: "Planning", message: "the PM is planning" }, ctx.now());
      },
      `${message}${body}`,
      trailers({ project: project.id, kind }),
      [{ path: planPath, content: text }, ...extra],
    );
  }
}
