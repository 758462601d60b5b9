// assemble: the PM turns every accepted stream into the project's deliverable and a summary for the Director;
// committed last, on the working branch.
import { join } from "node:path";
import { readFileSync, statSync } from "node:fs";
import { emptyUsage, type CallUsage } from "../agents/call.ts";
import { accounted } from "./outcome.ts";
import { assemble } from "../agents/pm.ts";
import { agentTier } from "../plan/route.ts";
import type { Action } from "../plan/types.ts";
import { pmView } from "../prompts/views.ts";
import type { AgencyModel, LoadedProject } from "../spec/model.ts";
import { addUsage, recordAssembly, setProjectCondition } from "../status/record.ts";
import { trailers, type RunContext } from "./context.ts";
import { assemblyBranch, formatBranchName } from "../forge/index.ts";

const assemblyBranchOf = (project: string) => formatBranchName(assemblyBranch(project));
import { clip } from "./task-inputs.ts";

export function deliverablePath(project: LoadedProject): string {
  return project.spec.deliverable?.path ?? `${project.id}.md`;
}

export async function executeAssembly(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: Action): Promise<void> {
  const usage = emptyUsage();
  return accounted(usage, () => assembleWith(ctx, model, project, action, usage));
}

async function assembleWith(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: Action, usage: CallUsage): Promise<void> {
  const pm = agentTier(model.spec, "projectManager");
  const streams = (project.plan?.streams ?? []).map((s) => ({
    id: s.id,
    title: s.title,
    files: s.tasks.flatMap((t) =>
      t.outputs.flatMap((o) => {
        const file = join(project.dir, "outputs", s.id, o.path);
        try {
          return statSync(file).isFile() ? [{ path: `${s.id}/${o.path}`, content: clip(readFileSync(file, "utf8")) }] : [];
        } catch {
          return [];
        }
      }),
    ),
  }));
  ctx.progress.emit({ kind: "start", project: project.id, action: "assemble", text: `PM assembles on ${pm.model}` });
  // The Director's /revise on the assembly PR, already part of action.fingerprint; recordAssembly keeps it.
  const feedback = project.status?.assembly?.feedback ?? [];
  const reply = await assemble(ctx.deps, ctx.templates, { project: project.spec, tier: pm.id, system: ctx.templates.render("pm.system", pmView(model, project)), usage, streams, feedback });
  const out = deliverablePath(project);
  const summary = [`# ${project.spec.name}: summary for the Director`, "", reply.value.summary, ...(reply.value.openQuestions.length ? ["", "## Open questions", ...reply.value.openQuestions.map((q) => `- ${q}`)] : [])].join("\n");
  const at = ctx.now();
  const files = [
    { path: ctx.ws.repoPath(join(project.dir, "outputs", out)), content: `${reply.value.deliverable.trimEnd()}\n` },
    { path: ctx.ws.repoPath(join(project.dir, "outputs", "SUMMARY.md")), content: `${summary}\n` },
  ];
  const message = `ateams: ${project.id} deliverable assembled\n\n${reply.value.summary.slice(0, 2000)}`;
  const tr = trailers({ project: project.id, kind: "assembly", model: reply.model, fingerprint: action.fingerprint! });
  // With a forge, the deliverable arrives as the assembly pull request (merging it is the Director's acceptance);
  // locally it lands on the working branch.
  let commit: string | undefined;
  if (ctx.deliverAssembly === "branch") commit = (await ctx.ws.commitBranch(assemblyBranchOf(project.id), files, message, tr)).sha;
  await ctx.status(project).update(
    (s) =>
      setProjectCondition(
        { ...recordAssembly(s, action.fingerprint!, at, commit), usage: addUsage(s.usage, usage) },
        { type: "Ready", status: "True", reason: "Assembled", message: commit ? `deliverable on ${assemblyBranchOf(project.id)}` : `deliverable: outputs/${out}` },
        at,
      ),
    message,
    tr,
    commit ? [] : files,
  );
  ctx.progress.emit({ kind: "done", project: project.id, action: "assemble", text: `outputs/${out} (${usage.inputTokens + usage.outputTokens} tokens, $${usage.costUsd.toFixed(4)})` });
}
