// Compiles reply and tool-argument schemas with ajv (draft 2020-12) once per schema object, and words the errors
// so they can be shown to a model as repair instructions.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import { LlmConfigError } from "./errors.ts";
import type { JSONSchema } from "./types.ts";

// ajv-formats ships CommonJS typings; this is the call shape it has at runtime.
const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

const compiled = new WeakMap<object, ValidateFunction>();

export function validatorFor(schema: JSONSchema, label: string): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // A fresh instance per schema: two schemas with the same $id must not collide in one ajv registry.
    // strict off because provider schemas carry keywords ajv's strict mode rejects (e.g. OpenAI's `strict`).
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false, logger: false }));
    try {
      validate = ajv.compile(schema);
    } catch (cause) {
      throw new LlmConfigError(`schema '${label}' does not compile: ${(cause as Error).message}`, { cause });
    }
    compiled.set(schema, validate);
  }
  return validate;
}

/** `/items/0/title must be string`, `(root) must NOT have additional property 'extra'`. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath || "(root)";
    if (e.keyword === "additionalProperties") {
      return `${at} must NOT have additional property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    }
    if (e.keyword === "enum") {
      return `${at} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    }
    return `${at} ${e.message ?? "is invalid"}`;
  });
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; errors: string[] };

/** Parses and validates in one step; a bare ```json fence (common from local models) is tolerated. */
export function parseAndValidate(text: string, validate: ValidateFunction): ParsedJson {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? fenced[1]! : text);
  } catch (err) {
    return { ok: false, errors: [`not valid JSON: ${(err as Error).message}`] };
  }
  if (validate(value)) return { ok: true, value };
  return { ok: false, errors: formatAjvErrors(validate.errors) };
}
