// The JSON Schemas of agent replies, from schemas/replies/, made strict for `response_format: json_schema`.
import pmAssembly from "../../schemas/replies/pm-assembly.schema.json" with { type: "json" };
import pmBlocker from "../../schemas/replies/pm-blocker.schema.json" with { type: "json" };
import pmDecomposition from "../../schemas/replies/pm-decomposition.schema.json" with { type: "json" };
import pmOptions from "../../schemas/replies/pm-options.schema.json" with { type: "json" };
import specialistWork from "../../schemas/replies/specialist-work.schema.json" with { type: "json" };
import collaboratorVerdict from "../../schemas/replies/collaborator-verdict.schema.json" with { type: "json" };
import answer from "../../schemas/replies/answer.schema.json" with { type: "json" };
import { toStrictSchema, type JSONSchema } from "../llm/index.ts";

export type ReplyName = "pm_options" | "pm_decomposition" | "pm_blocker" | "pm_assembly" | "specialist_work" | "collaborator_verdict" | "answer";

const RAW: Record<ReplyName, object> = {
  pm_options: pmOptions,
  pm_decomposition: pmDecomposition,
  pm_blocker: pmBlocker,
  pm_assembly: pmAssembly,
  specialist_work: specialistWork,
  collaborator_verdict: collaboratorVerdict,
  answer,
};

const cache = new Map<ReplyName, JSONSchema>();

/** Without $schema/$id (providers reject or ignore them), strict: every property required, objects closed. */
export function replySchema(name: ReplyName): JSONSchema {
  let s = cache.get(name);
  if (!s) {
    const { $schema: _s, $id: _i, ...rest } = RAW[name] as Record<string, unknown>;
    s = toStrictSchema(rest as JSONSchema);
    cache.set(name, s);
  }
  return s;
}
