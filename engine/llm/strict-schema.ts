// OpenAI's strict structured outputs accept only schemas where every property is required and objects are closed.
// Authors write natural schemas with optional fields; this rewrites them the way OpenAI documents: every property
// required, the optional ones made nullable. Send AND validate with the rewritten schema, so both agree; callers then
// read an absent optional field as null.
import type { JSONSchema } from "./types.ts";

/** Keywords whose value is one subschema, or an array of them. */
const SUBSCHEMA = new Set(["items", "prefixItems", "anyOf", "allOf", "oneOf", "not", "contains", "if", "then", "else"]);
/** Keywords whose value maps names to subschemas (properties is handled on its own). */
const SUBSCHEMA_MAP = new Set(["$defs", "definitions", "patternProperties", "dependentSchemas"]);

type Node = { [k: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);

export function toStrictSchema(schema: JSONSchema): JSONSchema {
  return strictify(schema) as JSONSchema;
}

function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" || key === "required") continue;
    if (SUBSCHEMA.has(key)) out[key] = strictify(value);
    else if (SUBSCHEMA_MAP.has(key) && isNode(value)) out[key] = mapValues(value, strictify);
    else out[key] = value; // enum, const, default, examples are data: never rewritten
  }
  if (isNode(node.properties)) {
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    out.properties = mapValues(node.properties, (sub, name) =>
      required.has(name) ? strictify(sub) : { anyOf: [strictify(sub), { type: "null" }] },
    );
    out.required = Object.keys(node.properties);
  }
  // A map-like object (additionalProperties: {schema}) keeps its meaning; every other object is closed.
  if (isNode(node.additionalProperties)) out.additionalProperties = strictify(node.additionalProperties);
  else if (isNode(node.properties) || node.type === "object") out.additionalProperties = false;
  return out;
}

function mapValues(obj: Node, fn: (value: unknown, key: string) => unknown): Node {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v, k)]));
}
