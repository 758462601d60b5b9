// Pure rewriters of plan.yaml: (content or reply) → new YAML text. Edits keep the file's comments and layout.
import { isMap, isScalar, isSeq, parseDocument, stringify, type YAMLMap } from "yaml";
import type { Plan, PmDecompositionReply, PmOptionsReply, Stream } from "../agency/types.gen.ts";

export const PLAN_HEADER = (project: string, schemaRef = "../../../schemas/plan.schema.json") =>
  `# yaml-language-server: $schema=${schemaRef}\n# The PM's plan for ${project}. Approve an option with \`ateams approve ${project} [option]\` (or /approve on the plan PR).\n`;

/** A fresh plan from the PM's options: no streams yet, nothing chosen. */
export function planFromOptions(project: string, reply: PmOptionsReply): Plan {
  return {
    project,
    summary: reply.summary,
    options: reply.options.map((o) => ({ ...o, cons: o.cons })) as Plan["options"],
    recommended: reply.recommended,
  };
}

/** The plan with the PM's streams for `option`; scores arrive as a list and are stored as a map. */
export function withDecomposition(plan: Plan, option: string, reply: PmDecompositionReply): Plan {
  const streams: Stream[] = reply.streams.map((s) => ({
    id: s.id,
    title: s.title,
    goal: s.goal,
    successCriteria: s.successCriteria as Stream["successCriteria"],
    tasks: s.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      role: t.role,
      description: t.description,
      ...(t.dependsOn.length ? { dependsOn: t.dependsOn } : {}),
      ...(t.inputs.length ? { inputs: [...new Set(t.inputs)].map((resource) => ({ resource })) } : {}),
      outputs: t.outputs.map((o) => ({ path: o.path, ...(o.description ? { description: o.description } : {}) })),
      criteria: t.criteria,
      ...(t.tier ? { tier: t.tier } : {}),
      ...(t.scores.length ? { scores: Object.fromEntries(t.scores.map((x) => [x.criterion, x.score])) } : {}),
    })) as Stream["tasks"],
  }));
  return { ...plan, basedOn: option, streams };
}

export function serializePlan(plan: Plan, schemaRef?: string): string {
  const { $schema: _drop, ...rest } = plan;
  return PLAN_HEADER(plan.project, schemaRef) + stringify(rest, { lineWidth: 120 });
}

/** Records the Director's (or autonomous) choice in plan.yaml text: only the `chosen` and `approval` lines change. */
export function approveInText(text: string, option: string, by: string, at: string): string {
  let out = setTopLevel(text, "chosen", `chosen: ${option}`);
  out = setTopLevel(out, "approval", `approval:\n  by: ${JSON.stringify(by)}\n  at: ${JSON.stringify(at)}`);
  return out;
}

/**
 * Replaces a top-level `key: value` in place (its exact source range), or appends it: a surgical text edit, so
 * everything else in a hand-written file keeps its layout, folding and comments.
 */
function setTopLevel(text: string, key: string, rendered: string): string {
  const doc = parseDocument(text);
  const map = doc.contents as { items?: { key: { value?: unknown; range?: [number, number, number] }; value: { range?: [number, number, number] } | null }[] } | null;
  const pair = map?.items?.find((p) => p.key?.value === key);
  const start = pair?.key.range?.[0];
  const end = pair?.value?.range?.[1] ?? pair?.key.range?.[1];
  if (pair && start !== undefined && end !== undefined) {
    // A block collection's range ends after its last newline; a scalar's does not.
    const eol = text.slice(start, end).endsWith("\n") ? "\n" : "";
    return text.slice(0, start) + rendered + eol + text.slice(end);
  }
  return `${text.replace(/\n*$/, "\n")}${rendered}\n`;
}

/** Replaces one task's role, description or criteria in plan.yaml text (the PM resolving a blocked task). */
export function replanTaskInText(text: string, taskId: string, change: { description?: string; criteria?: string[]; role?: string }): string {
  const doc = parseDocument(text);
  const streams = doc.get("streams") as { items: { get(k: string): { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] } }[] } | undefined;
  for (const stream of streams?.items ?? []) {
    for (const task of stream.get("tasks")?.items ?? []) {
      if (task.get("id") === taskId) {
        if (change.role !== undefined) task.set("role", change.role);
        if (change.description !== undefined) task.set("description", change.description);
        if (change.criteria !== undefined) task.set("criteria", doc.createNode(change.criteria));
        return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
      }
    }
  }
  throw new Error(`task '${taskId}' not found in plan`);
}

/** A task split off a blocked one: done first, in the same stream, its outputs handed to the blocked task. */
export interface SplitTask {
  id: string;
  title: string;
  role: string;
  description: string;
  outputs: { path: string; description: string }[];
  criteria: string[];
}

/**
 * Inserts `added` before task `taskId` in its stream, depending on what that task depended on, and makes `taskId`
 * depend on it too (the PM splitting a blocked task). Comments and the rest of the file are kept.
 */
export function splitTaskInText(text: string, taskId: string, added: SplitTask): string {
  const doc = parseDocument(text);
  const streams = doc.get("streams");
  for (const stream of isSeq(streams) ? streams.items : []) {
    const tasks = isMap(stream) ? stream.get("tasks") : undefined;
    if (!isSeq(tasks)) continue;
    const at = tasks.items.findIndex((t) => isMap(t) && t.get("id") === taskId);
    if (at === -1) continue;
    const blocked = tasks.items[at] as YAMLMap;
    const prior = blocked.get("dependsOn");
    const before = isSeq(prior) ? prior.items.map((i) => String(isScalar(i) ? i.value : i)) : [];
    tasks.items.splice(at, 0, doc.createNode({ ...added, ...(before.length ? { dependsOn: before } : {}) }));
    const deps = doc.createNode([...before, added.id]);
    deps.flow = true;
    blocked.set("dependsOn", deps);
    return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  }
  throw new Error(`task '${taskId}' not found in plan`);
}
