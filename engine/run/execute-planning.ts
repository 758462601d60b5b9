// propose-plan, decompose-plan, approve-plan: the PM writes plan.yaml (and any new role), validated exactly as the
// loader validates before it is committed; autonomous oversight records the recommendation as the choice.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decompose, proposeOptions } from "../agents/pm.ts";
import { emptyUsage } from "../agents/call.ts";
import { feedbackDigest } from "../plan/plan-feedback.ts";
import { agentTier } from "../plan/route.ts";
import type { Action } from "../plan/types.ts";
import { pmView } from "../prompts/views.ts";
import { approveInText, planFromOptions, serializePlan, withDecomposition } from "../rewrite/plan-yaml.ts";
import { roleFromReply, serializeRole } from "../rewrite/role-yaml.ts";
import { schemaRefFor } from "../rewrite/schema-ref.ts";
import type { AgencyModel, LoadedProject } from "../spec/model.ts";
import type { PmDecompositionReply, PmOptionsReply } from "../spec/types.gen.ts";
import { addUsage, clearProjectCondition, setProjectCondition } from "../status/record.ts";
import { trailers, type RunContext } from "./context.ts";
import { planProblems } from "./plan-checks.ts";
import { PlanRejectedError } from "./spec-guard.ts";
import { joinInside } from "../forge/safe-path.ts";
import { accounted } from "./outcome.ts";
import type { ChatMessage } from "../llm/index.ts";
import { callAgent } from "../agents/call.ts";

const MAX_PLAN_REPAIRS = 2;

export async function executePlanning(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: Action): Promise<void> {
  const pm = agentTier(model.spec, "projectManager");
  const system = ctx.templates.render("pm.system", pmView(model, project));
  const usage = emptyUsage();
  const status = ctx.status(project);
  const planPath = ctx.ws.repoPath(project.planFile);
  const planRef = schemaRefFor(project.planFile, ctx.ws.repoRoot, "plan");
  const base = { project: project.spec, tier: pm.id, system, usage };
  if (action.kind !== "approve-plan") ctx.progress.emit({ kind: "start", project: project.id, action: action.kind, text: `PM on ${pm.model}` });

  return accounted(usage, async () => {
    if (action.kind === "propose-plan") {
      // The Director's /revise on the plan PR: shown to the PM, and its digest recorded so the planner stops asking.
      const feedback = project.status?.plan?.feedback ?? [];
      const reply = await proposeOptions(ctx.deps, ctx.templates, base, feedback);
      const options = reply.value;
      const ids = new Set(options.options.map((o) => o.id));
      if (ids.size !== options.options.length || !ids.has(options.recommended)) throw new Error("PM options: duplicate option ids or unknown recommendation");
      const plan = planFromOptions(project.id, options);
      await commitPlan(serializePlan(plan, planRef), [], `ateams: ${project.id} plan options from the PM`, "plan", options, usage, feedbackDigest(feedback));
      ctx.progress.emit({ kind: "done", project: project.id, action: action.kind, text: `${options.options.length} options, recommends ${options.recommended}` });
      return;
    }
  
    if (action.kind === "decompose-plan") {
      const plan = project.plan!;
      const optionId = plan.chosen ?? plan.recommended;
      const option = plan.options.find((o) => o.id === optionId)!;
      // Decompose, check as the loader would, and send the problems back for a bounded number of repairs.
      let reply = await decompose(ctx.deps, ctx.templates, { ...base, agency: model.spec, option, roleIds: [...model.roles.keys()] });
      for (let repair = 0; ; repair++) {
        const value = reply.value;
        const next = withDecomposition(plan, optionId, value);
        const text = serializePlan(next, planRef);
        const roleRef = schemaRefFor(join(model.dir, "roles", "x.yaml"), ctx.ws.repoRoot, "role");
        const roles = value.newRoles.map((r) => ({ role: roleFromReply(r), text: serializeRole(roleFromReply(r), roleRef) }));
        const problems = planProblems(model, project.id, next, text, roles);
        if (!problems.length) {
          const roleFiles = roles.map((r) => ({ path: joinInside(ctx.ws.repoPath(join(model.dir, "roles")), `${r.role.id}.yaml`), content: r.text }));
          // Keep what the PM wrote before (options, comments, an approval) by re-serialising only from plan data.
          await commitPlan(text, roleFiles, `ateams: ${project.id} decomposed ${optionId} into ${next.streams!.length} streams`, "plan", undefined, usage);
          ctx.progress.emit({ kind: "done", project: project.id, action: action.kind, text: `${next.streams!.length} streams, ${next.streams!.reduce((n, s) => n + s.tasks.length, 0)} tasks${roles.length ? `, new roles: ${roles.map((r) => r.role.id).join(", ")}` : ""}` });
          return;
        }
        if (repair >= MAX_PLAN_REPAIRS) throw new PlanRejectedError(`the PM's plan failed validation ${repair + 1} times: ${problems.slice(0, 5).join("; ")}`);
        const messages: ChatMessage[] = [
          { role: "user", content: ctx.templates.render("pm.decompose", { option, roleIds: [...model.roles.keys()], criteria: model.spec.models.routing.criteria, deliverable: project.spec.deliverable?.path ?? null }) },
          { role: "assistant", content: JSON.stringify(value) },
          { role: "user", content: `That plan cannot be used:\n${problems.map((p) => `- ${p}`).join("\n")}\nReply with the corrected plan.` },
        ];
        reply = await callAgent<PmDecompositionReply>(ctx.deps, { project: project.spec, agent: "pm", tier: pm.id, system, messages, reply: "pm_decomposition", usage });
      }
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

export { PlanRejectedError };
