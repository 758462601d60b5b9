// A stand-in for a weak model behind a grammar-constrained server: it never reads the conversation, only the
// `response_format.json_schema` of each request, and answers with an instance of that schema (schema-instance.ts).
// Whatever such a server sends, the engine must either use or reject with a reason; it cannot count on the prompt
// being understood.
import type { FakeChatRequest, FakeReply } from "./fake-openai-replies.ts";
import { schemaInstance, type InstanceMode } from "./schema-instance.ts";

export interface SchemaOnlyModel {
  handler: (req: FakeChatRequest) => FakeReply;
  /** Schema names of the structured requests answered, in order. */
  readonly answered: string[];
}

export function schemaOnlyModel(mode: InstanceMode, seed = 7): SchemaOnlyModel {
  const answered: string[] = [];
  let n = 0;
  return {
    answered,
    handler(req) {
      const format = req.response_format;
      if (format?.type !== "json_schema" || !format.json_schema) return { content: "ok" };
      answered.push(format.json_schema.name);
      // A fresh seed per request: a repeated question gets a different (still valid) answer in "odd" mode.
      return { json: schemaInstance(format.json_schema.schema, { mode, seed: seed + n++ }) };
    },
  };
}
