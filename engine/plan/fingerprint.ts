// A task's fingerprint: a hash of everything that determines its output. Equal to the recorded one means done.
import { dirname, resolve } from "node:path";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import { outputKey } from "../agency/model.ts";
import type { Stream, Task } from "../agency/types.gen.ts";
import type { Templates } from "../prompts/templates.ts";
import { specialistView } from "../prompts/views.ts";
import { entriesIn } from "../memory/scope.ts";
import { digest } from "./digest.ts";
import { routeTask, type Routing } from "./route.ts";

export interface TaskFingerprint {
  task: Task;
  stream: Stream;
  fingerprint: string;
  /** Digest per part (`spec`, `role`, `prompt`, `model`, `feedback`, `upstream:<task>`), recorded in status.yaml. */
  parts: Record<string, string>;
  routing: Routing;
  systemPrompt: string;
}

/** Tasks in dependency order (Kahn); ties keep plan order so output is stable. Cycles were rejected by validation. */
export function topoOrder(streams: readonly Stream[]): { task: Task; stream: Stream }[] {
  const all = streams.flatMap((stream) => stream.tasks.map((task) => ({ task, stream })));
  const byId = new Map(all.map((e) => [e.task.id, e]));
  const pending = new Map(all.map((e) => [e.task.id, (e.task.dependsOn ?? []).filter((d) => byId.has(d)).length]));
  const dependents = new Map<string, string[]>();
  for (const { task } of all) for (const d of task.dependsOn ?? []) dependents.set(d, [...(dependents.get(d) ?? []), task.id]);
  const order: { task: Task; stream: Stream }[] = [];
  let ready = all.filter((e) => pending.get(e.task.id) === 0);
  while (ready.length) {
    const next: typeof ready = [];
    for (const e of ready) {
      order.push(e);
      for (const child of dependents.get(e.task.id) ?? []) {
        const left = pending.get(child)! - 1;
        pending.set(child, left);
        if (left === 0) next.push(byId.get(child)!);
      }
    }
    ready = next.sort((a, b) => all.indexOf(a) - all.indexOf(b));
  }
  return order;
}

// Loaded models are immutable, and the planner, every task and the publisher ask for the same project's prints:
// compute them once per loaded model (rendering every prompt is the costly part).
const memo = new WeakMap<AgencyModel, WeakMap<LoadedProject, { templates: Templates; prints: ReadonlyMap<string, TaskFingerprint> }>>();

export function fingerprintTasks(model: AgencyModel, project: LoadedProject, templates: Templates): ReadonlyMap<string, TaskFingerprint> {
  let byProject = memo.get(model);
  if (!byProject) memo.set(model, (byProject = new WeakMap()));
  const hit = byProject.get(project);
  if (hit?.templates === templates) return hit.prints;
  const prints = computeFingerprints(model, project, templates);
  byProject.set(project, { templates, prints });
  return prints;
}

function computeFingerprints(model: AgencyModel, project: LoadedProject, templates: Templates): Map<string, TaskFingerprint> {
  const out = new Map<string, TaskFingerprint>();
  const streams = project.plan?.streams ?? [];
  const streamOf = new Map(streams.flatMap((s) => s.tasks.map((t) => [t.id, s] as const)));
  const promptTemplates = templates
    .names()
    .filter((n) => n.startsWith("specialist."))
    .map((n) => templates.digest(n));
  const resources = new Map([...(model.spec.resources ?? []), ...(project.spec.resources ?? [])].map((r) => [r.id, r]));

  // The system prompt depends on the stream, the role and the specialist, not on the task: render each once.
  const prompts = new Map<string, { text: string; digest: string }>();
  const roleDigests = new Map<string, string>();
  for (const { task, stream } of topoOrder(streams)) {
    const role = model.roles.get(task.role)!.spec;
    const recorded = project.status?.tasks?.[task.id];
    const routing = routeTask(model.spec, task, role, recorded?.escalations ?? 0);
    const promptKey = `${stream.id}\u0000${task.role}\u0000${task.specialist ?? ""}`;
    let prompt = prompts.get(promptKey);
    if (!prompt) {
      const text = templates.render("specialist.system", specialistView(model, project, stream, task));
      prompt = { text, digest: partDigest({ systemPrompt: text, templates: promptTemplates }) };
      prompts.set(promptKey, prompt);
    }
    let roleDigest = roleDigests.get(task.role);
    if (!roleDigest) roleDigests.set(task.role, (roleDigest = partDigest(role)));
    const systemPrompt = prompt.text;
    const parts: Record<string, string> = {
      spec: partDigest({ task, stream: { id: stream.id, goal: stream.goal, successCriteria: stream.successCriteria } }),
      role: roleDigest,
      prompt: prompt.digest,
      model: partDigest({ tier: routing.tier, model: routing.model }),
    };
    // What the Specialist is handed: each resource's definition and the content of its file, and input files.
    const root = dirname(model.dir);
    const inputs = (task.inputs ?? []).map((i) => {
      if (i.file) return { file: i.file, blob: model.inputFiles.get(resolve(project.dir, i.file)) ?? null };
      const r = resources.get(i.resource!);
      return { resource: r ?? null, blob: r?.path ? (model.inputFiles.get(resolve(root, r.path)) ?? null) : null };
    });
    if (inputs.length) parts.resources = partDigest(inputs);
    if (recorded?.feedback?.length) parts.feedback = partDigest(recorded.feedback.map((f) => ({ by: f.by, text: f.text })));
    // A person asked to redo it (with what its role has learned since): a new input like any other, so its stream is
    // checked again and what reads its outputs follows.
    if (recorded?.redoRequestedAt) parts.redo = partDigest(recorded.redoRequestedAt);
    for (const dep of task.dependsOn ?? []) {
      const up = out.get(dep);
      const upStream = streamOf.get(dep);
      if (!up || !upStream) continue;
      const outputs = up.task.outputs.map((o) => project.outputs.get(outputKey(upStream.id, o.path))?.blob ?? null);
      parts[`upstream:${dep}`] = partDigest({ fingerprint: up.fingerprint, outputs });
    }
    out.set(task.id, { task, stream, fingerprint: digest(parts), parts, routing, systemPrompt });
  }
  return out;
}

/**
 * A role's prompt version: a digest of what its Specialists may be told (the role file and the memory they recall
 * from: the role's own and the patterns every role shares), recorded with every task attempt so `ateams report`
 * compares how versions did, and `ateams plan` knows which finished tasks to check for a changed recall.
 */
export function roleVersion(model: AgencyModel, role: string): string {
  const memory = entriesIn(model.memory, { kind: "role", role });
  // `lessons: ""` for a role without memory: the digest versions recorded before memory had entries still match.
  return digest({ role: model.roles.get(role)?.spec ?? null, lessons: memory.length ? memory.map((e) => [e.id, e.text]) : "" }).slice(0, 8);
}

/** Parts only need to tell "changed" from "same" for one task: 64 bits keep status.yaml compact. */
function partDigest(value: unknown): string {
  return digest(value).slice(0, 16);
}

const PART_WORDS: Record<string, string> = {
  spec: "task definition changed",
  role: "role changed",
  prompt: "prompt template or project context changed",
  model: "model tier changed",
  resources: "input resources changed",
  feedback: "new feedback",
  redo: "a person asked to redo it",
};

/** Why a recorded task no longer matches: the parts whose digests differ, in words. */
export function staleReasons(parts: Record<string, string>, recorded: Record<string, string> | undefined): string[] {
  if (!recorded) return ["inputs changed"];
  const reasons: string[] = [];
  for (const key of new Set([...Object.keys(parts), ...Object.keys(recorded)])) {
    if (parts[key] === recorded[key]) continue;
    if (key.startsWith("upstream:")) {
      const dep = key.slice("upstream:".length);
      reasons.push(!parts[key] ? `no longer depends on ${dep}` : !recorded[key] ? `now depends on ${dep}` : `upstream ${dep} changed`);
    } else if (key === "feedback" && !parts[key]) reasons.push("feedback removed");
    else reasons.push(PART_WORDS[key] ?? `${key} changed`);
  }
  // A role or task edit also changes the rendered prompt; naming the cause is enough.
  const prompt = PART_WORDS.prompt!;
  const redundant = reasons.includes(prompt) && (reasons.includes(PART_WORDS.role!) || reasons.includes(PART_WORDS.spec!));
  const shown = redundant ? reasons.filter((r) => r !== prompt) : reasons;
  return shown.length ? shown : ["inputs changed"];
}
