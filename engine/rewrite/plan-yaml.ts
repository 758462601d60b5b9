// Pure rewriters of plan.yaml: (content or reply) → new YAML text. Edits keep the file's comments and layout.
import { parseDocument, stringify } from "yaml";
import type { Plan, PmDecompositionReply, PmOptionsReply, Stream } from "../spec/types.gen.ts";

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
      outputs: t.outputs.map((o) => ({ path: o.path, ...(o.description ? { description: o.description } : {}) })),
      criteria: t.criteria,
      ...(t.scores.length ? { scores: Object.fromEntries(t.scores.map((x) => [x.criterion, x.score])) } : {}),
    })) as Stream["tasks"],
  }));
  return { ...plan, basedOn: option, streams };
}

export function serializePlan(plan: Plan, schemaRef?: string): string {
  const { $schema: _drop, ...rest } = plan;
  return PLAN_HEADER(plan.project, schemaRef) + stringify(rest, { lineWidth: 120 });
}

/** Records the Director's (or autonomous) choice in existing plan.yaml text, keeping everything else as written. */
export function approveInText(text: string, option: string, by: string, at: string): string {
  const doc = parseDocument(text);
  doc.set("chosen", option);
  doc.set("approval", doc.createNode({ by, at }));
  return String(doc);
}

/** Replaces one task's description and criteria in plan.yaml text (the PM re-planning a blocked task). */
export function replanTaskInText(text: string, taskId: string, description: string, criteria: string[]): string {
  const doc = parseDocument(text);
  const streams = doc.get("streams") as { items: { get(k: string): { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] } }[] } | undefined;
  for (const stream of streams?.items ?? []) {
    for (const task of stream.get("tasks")?.items ?? []) {
      if (task.get("id") === taskId) {
        task.set("description", description);
        task.set("criteria", doc.createNode(criteria));
        return String(doc);
      }
    }
  }
  throw new Error(`task '${taskId}' not found in plan`);
}
