// assemble: the PM turns every accepted stream into the project's deliverable and a summary for the Director;
// committed last, on the working branch. It starts once every stream's merge is done (startable.ts).
import { join } from "node:path";
import { emptyUsage, type UsageTotals } from "../agency/usage.ts";
import { accounted } from "./outcome.ts";
import { assemble } from "../agents/pm.ts";
import { agentTier } from "../plan/route.ts";
import type { AssemblyAction } from "../plan/types.ts";
import { pmView } from "../prompts/views.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import { addUsage, recordAssembly, setProjectCondition } from "../status/record.ts";
import { depsForAttempt, trailers, type RunContext } from "./run-context.ts";
import { actionAttempt, actionKey, taskAttempt } from "../status/retry.ts";
import { assemblyBranch, formatBranchName } from "../forge/index.ts";
import { joinInside } from "../forge/safe-path.ts";

const assemblyBranchOf = (project: string) => formatBranchName(assemblyBranch(project));
import { clip } from "./task-inputs.ts";

export function deliverablePath(project: LoadedProject): string {
  return project.spec.deliverable?.path ?? `${project.id}.md`;
}

export async function executeAssembly(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: AssemblyAction): Promise<void> {
  const usage = emptyUsage();
  return accounted(usage, () => assembleWith(ctx, model, project, action, usage));
}

type StreamFiles = { id: string; title: string; files: { path: string; content: string }[] }[];

/** Every stream's declared outputs, read where the plan observes them (see Workspace.readOutput). */
async function streamFiles(ctx: RunContext, project: LoadedProject): Promise<StreamFiles> {
  return Promise.all(
    (project.plan?.streams ?? []).map(async (s) => {
      const files = await Promise.all(
        s.tasks.flatMap((t) => t.outputs.map(async (o) => ({ path: `${s.id}/${o.path}`, content: await ctx.ws.readOutput(project, s.id, o.path) }))),
      );
      return { id: s.id, title: s.title, files: files.flatMap((f) => (f.content === undefined ? [] : [{ path: f.path, content: clip(f.content) }])) };
    }),
  );
}

async function assembleWith(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: AssemblyAction, usage: UsageTotals): Promise<void> {
  const pm = agentTier(model.spec, "projectManager");
  const streams = await streamFiles(ctx, project);
  ctx.progress.emit({ kind: "start", project: project.id, action: "assemble", text: `PM assembles on ${pm.model}` });
  // The Director's /revise on the assembly PR, already part of action.fingerprint; recordAssembly keeps it.
  const feedback = project.status?.assembly?.feedback ?? [];
  const deps = depsForAttempt(ctx.deps, actionAttempt(ctx.status(project).current, actionKey("assemble")));
  const reply = await assemble(deps, ctx.templates, { project: project.spec, tier: pm.id, system: ctx.templates.render("pm.system", pmView(model, project)), usage, streams, feedback });
  const out = deliverablePath(project);
  const outputsDir = ctx.ws.repoPath(join(project.dir, "outputs"));
  const summary = [`# ${project.spec.name}: summary for the Director`, "", reply.value.summary, ...(reply.value.openQuestions.length ? ["", "## Open questions", ...reply.value.openQuestions.map((q) => `- ${q}`)] : [])].join("\n");
  const at = ctx.now();
  const files = [
    { path: joinInside(outputsDir, out), content: `${reply.value.deliverable.trimEnd()}\n` },
    { path: joinInside(outputsDir, "SUMMARY.md"), content: `${summary}\n` },
  ];
  const message = `ateams: ${project.id} deliverable assembled\n\n${reply.value.summary.slice(0, 2000)}`;
  const tr = trailers({ project: project.id, kind: "assembly", model: reply.model, fingerprint: action.fingerprint });
  // With a forge, the deliverable arrives as the assembly pull request (merging it is the Director's acceptance);
  // locally it lands on the working branch.
  let commit: string | undefined;
  if (ctx.deliverAssembly === "branch") commit = (await ctx.ws.commitBranch(assemblyBranchOf(project.id), files, message, tr)).sha;
  await ctx.status(project).update(
    (s) =>
      setProjectCondition(
        { ...recordAssembly(s, action.fingerprint, at, commit), usage: addUsage(s.usage, usage) },
        { type: "Ready", status: "True", reason: "Assembled", message: commit ? `deliverable on ${assemblyBranchOf(project.id)}` : `deliverable: outputs/${out}` },
        at,
      ),
    message,
    tr,
    commit ? [] : files,
  );
  ctx.progress.emit({ kind: "done", project: project.id, action: "assemble", text: `outputs/${out} (${usage.inputTokens + usage.outputTokens} tokens, $${usage.costUsd.toFixed(4)})` });
}
