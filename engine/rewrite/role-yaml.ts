// A new role's YAML, as the PM defines it: the same shape a person writes, with the $schema line.
import { stringify } from "yaml";
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
