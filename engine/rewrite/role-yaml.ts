// Role YAML and lessons as the agents change them: a new role as the PM defines it (the same shape a person
// writes, with the $schema line), an item the L&P Manager adds to a role's list, lessons appended to its memory.
import { isScalar, isSeq, parseDocument, stringify } from "yaml";
import type { PmNewRole, Role } from "../agency/types.gen.ts";

export function roleFromReply(r: PmNewRole): Role {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    summary: r.summary,
    expertise: r.expertise as Role["expertise"],
    expectations: { input: r.expectations.input as Role["expectations"]["input"], output: r.expectations.output as Role["expectations"]["output"] },
    collaboration: r.collaboration,
    adaptability: r.adaptability,
  };
}

export function serializeRole(role: Role, schemaRef = "../../schemas/role.schema.json"): string {
  const { $schema: _drop, ...rest } = role;
  return `# yaml-language-server: $schema=${schemaRef}\n# Defined by the LLM Project Manager; edit freely.\n${stringify(rest, { lineWidth: 120 })}`;
}

/** A list in a role's YAML the L&P Manager may add to. */
export type RoleListField = "expertise" | "expectations.input" | "expectations.output";

/**
 * The role's YAML with `item` added at the end of the list `field`, comments and layout kept; undefined when the
 * list already holds it (the same words, whatever the case and spacing) or the file has no such list.
 */
export function addToRoleList(text: string, field: RoleListField, item: string): string | undefined {
  const doc = parseDocument(text);
  const list = doc.getIn(field.split("."), true);
  if (!isSeq(list)) return undefined;
  const same = (s: unknown) => String(s).replace(/\s+/g, " ").trim().toLowerCase() === item.replace(/\s+/g, " ").trim().toLowerCase();
  if (list.items.some((n) => same(isScalar(n) ? n.value : n))) return undefined;
  list.add(doc.createNode(item.trim()));
  return doc.toString({ lineWidth: 120 });
}

/**
 * A lesson as the memory file keeps it: the text and its provenance — who gave it (a person's `/teach`, with the
 * comment as its source, or the L&P Manager, with the project and the evidence it quotes) and when.
 */
export interface LessonEntry {
  lesson: string;
  by: string;
  at: string;
  project?: string;
  source?: string;
  evidence?: readonly string[];
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function formatLesson(l: LessonEntry): string {
  const where = [l.by, ...(l.project ? [l.project] : []), l.at].join(", ");
  const source = l.source ? ` ([source](${l.source}))` : "";
  const evidence = l.evidence?.length ? ` (evidence: ${l.evidence.map((e) => `“${oneLine(e)}”`).join("; ")})` : "";
  return `- ${oneLine(l.lesson)} — ${where}${source}${evidence}`;
}

/** The role's lessons file with new lessons appended; lessons already in it (same words) are left out. */
export function appendLessons(existing: string | undefined, role: string, lessons: readonly LessonEntry[]): { text: string; added: number } {
  const prior = existing ?? `# Lessons for ${role}\n\nTaught by people with /teach and proposed by the Learning & Performance Manager; given to the role's future work.\n`;
  const known = prior.toLowerCase().replace(/\s+/g, " ");
  const fresh = lessons.filter((l) => !known.includes(l.lesson.toLowerCase().replace(/\s+/g, " ").trim()));
  const lines = fresh.map(formatLesson);
  return { text: lines.length ? `${prior.trimEnd()}\n\n${lines.join("\n")}\n` : prior, added: fresh.length };
}
