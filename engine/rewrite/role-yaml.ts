// Role YAML as the agents change it: a new role as the PM defines it (the same shape a person writes, with the
// $schema line), an item the L&P Manager adds to a role's list or a sentence to one of its strategies. (Lessons are
// memory: engine/memory/memory-file.ts.)
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

/** A strategy (prose) in a role's YAML the L&P Manager may add a sentence to. */
export type RoleTextField = "collaboration" | "adaptability";

/**
 * The role's YAML with `sentence` appended to the strategy `field` (a block scalar keeps its style), comments and
 * layout kept; undefined when the text already says it (the same words, whatever the case and spacing).
 */
export function addToRoleText(text: string, field: RoleTextField, sentence: string): string | undefined {
  const doc = parseDocument(text);
  const node = doc.get(field, true);
  if (!isScalar(node) || typeof node.value !== "string") return undefined;
  const squash = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
  const add = sentence.replace(/\s+/g, " ").trim();
  if (squash(node.value).includes(squash(add))) return undefined;
  node.value = `${node.value.trimEnd()}${node.value.trimEnd().endsWith("\n") || !node.value.trim() ? "" : " "}${add}\n`;
  return doc.toString({ lineWidth: 120 });
}

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
