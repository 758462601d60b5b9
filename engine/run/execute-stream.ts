// verify-stream, merge-stream, await-review: the Collaborator checks a stream as a whole, then it joins the working
// branch — or waits for a person when oversight is review-streams.
import { emptyUsage, type UsageTotals } from "../agency/usage.ts";
import { accounted } from "./outcome.ts";
import { feedbackByTask, verifyStream } from "../agents/collaborator.ts";
import { agentTier } from "../plan/route.ts";
import type { StreamAction } from "../plan/types.ts";
import { collaboratorView, specialistIdOf } from "../prompts/views.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Status, TaskStatus } from "../agency/types.gen.ts";
import { addUsage, recordStream, setCondition, setProjectCondition } from "../status/record.ts";
import { depsForAttempt, trailers, type RunContext } from "./run-context.ts";
import { actionAttempt, actionKey, taskAttempt } from "../status/retry.ts";
import { clip } from "./task-inputs.ts";
import { maxRevisionRounds } from "../agency/settings.ts";

export async function executeVerifyStream(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: StreamAction): Promise<"blocked" | undefined> {
  const usage = emptyUsage();
  return accounted(usage, () => verifyStreamWith(ctx, model, project, action, usage));
}

async function verifyStreamWith(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: StreamAction, usage: UsageTotals): Promise<"blocked" | undefined> {
  const stream = project.plan!.streams!.find((s) => s.id === action.stream)!;
  const collab = agentTier(model.spec, "collaborator", stream.collaborator?.tier);
  const tasks = [];
  for (const t of stream.tasks) {
    const files = [];
    for (const o of t.outputs) {
      const content = await ctx.ws.readOutput(project, stream.id, o.path);
      if (content !== undefined) files.push({ path: o.path, content: clip(content) });
    }
    tasks.push({ id: t.id, title: t.title, specialist: specialistIdOf(t), files });
  }
  ctx.progress.emit({ kind: "start", project: project.id, action: `stream ${stream.id}`, text: `Collaborator checks the stream on ${collab.model}` });
  const attempt = actionAttempt(ctx.status(project).current, actionKey("verify-stream", stream.id));
  const reply = await verifyStream(depsForAttempt(ctx.deps, attempt), ctx.templates, {
    project: project.spec,
    tier: collab.id,
    system: ctx.templates.render("collaborator.system", collaboratorView(model, project, stream)),
    stream,
    tasks,
    usage,
  });
  const v = reply.value;
  const status = ctx.status(project);
  const at = ctx.now();
  const tr = trailers({ project: project.id, kind: "stream-verdict", stream: stream.id, fingerprint: action.fingerprint });
  if (v.verdict === "pass") {
    const tip = await ctx.ws.store.resolveRef(ctx.ws.streamBranchOf(project.id, stream.id));
    await status.update((s) => withUsage(recordStream(s, stream.id, "verified", action.fingerprint, at, "collaborator", tip), usage), `ateams: ${project.id}/${stream.id} verified by its Collaborator`, tr);
    ctx.progress.emit({ kind: "done", project: project.id, action: `stream ${stream.id}`, text: "verified" });
    return undefined;
  }
  const maxRounds = maxRevisionRounds(model.spec);
  const ids = stream.tasks.map((t) => t.id);
  const byTask = feedbackByTask(v.feedback, ids);
  // Feedback the Collaborator did not attribute goes to the stream's last (integrating) task.
  if (v.verdict === "revise" && byTask.size === 0) byTask.set(ids[ids.length - 1]!, v.feedback.length ? v.feedback : ["revise to meet the stream's success criteria"]);
  const rounds = Math.max(0, ...[...byTask.keys()].map((id) => streamRounds(status.current.tasks?.[id])));
  if (v.verdict === "blocked" || rounds >= maxRounds) {
    const message = v.verdict === "blocked" ? (v.blocker ?? "blocked") : `still not accepted after ${rounds} stream review round(s): ${v.feedback.join("; ").slice(0, 300)}`;
    await status.update(
      (s) => withUsage(setProjectCondition(blockStream(s, stream.id, message, at), { type: "Blocked", status: "True", reason: "StreamBlocked", message: `${stream.id}: ${message}` }, at), usage),
      `ateams: ${project.id}/${stream.id} blocked`,
      tr,
    );
    ctx.progress.emit({ kind: "blocked", project: project.id, action: `stream ${stream.id}`, text: message });
    return "blocked";
  }
  await status.update(
    (s) => {
      let next = s;
      for (const [task, items] of byTask) {
        const prior = next.tasks?.[task] ?? {};
        const feedback = [...(prior.feedback ?? []), ...items.map((text) => ({ by: "collaborator", at, source: `stream-review:${stream.id}`, text }))];
        next = { ...next, tasks: { ...next.tasks, [task]: { ...prior, feedback } } };
      }
      return withUsage(next, usage);
    },
    `ateams: ${project.id}/${stream.id} sent back: ${[...byTask.keys()].join(", ")}`,
    tr,
  );
  ctx.progress.emit({ kind: "revise", project: project.id, action: `stream ${stream.id}`, text: `revise ${[...byTask.keys()].join(", ")}` });
  return undefined;
}

export async function executeMergeStream(ctx: RunContext, project: LoadedProject, action: StreamAction): Promise<"conflict" | undefined> {
  const stream = action.stream;
  const status = ctx.status(project);
  const at = ctx.now();
  const tr = trailers({ project: project.id, kind: "merge", stream, fingerprint: action.fingerprint });
  const result = await ctx.ws.mergeStream(project.id, stream, `ateams: merge ${project.id}/${stream}`, tr);
  if (result.status === "conflict") {
    const message = `merge conflict in ${result.paths.join(", ")}`;
    await status.update((s) => blockStream(s, stream, message, at), `ateams: ${project.id}/${stream} cannot merge`, tr);
    ctx.progress.emit({ kind: "failed", project: project.id, action: `stream ${stream}`, text: message });
    return "conflict";
  }
  await status.update((s) => recordStream(s, stream, "accepted", action.fingerprint, at, "ateams", result.sha), `ateams: ${project.id}/${stream} accepted`, tr);
  ctx.progress.emit({ kind: "done", project: project.id, action: `stream ${stream}`, text: `merged into ${ctx.ws.workingBranch}` });
  return undefined;
}

function streamRounds(task: TaskStatus | undefined): number {
  return (task?.feedback ?? []).filter((f) => f.source?.startsWith("stream-review:")).length;
}

function blockStream(s: Status, stream: string, message: string, at: string): Status {
  const prior = s.streams?.[stream] ?? {};
  return { ...s, streams: { ...s.streams, [stream]: { ...prior, conditions: setCondition(prior.conditions, { type: "Blocked", status: "True", reason: "StreamBlocked", message }, at) } } };
}

function withUsage(s: Status, usage: UsageTotals): Status {
  return usage.calls ? { ...s, usage: addUsage(s.usage, usage) } : s;
}
