// The JSON Schemas in schemas/ compiled once with ajv; every spec kind is validated against its own.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import agencySchema from "../../schemas/agency.schema.json" with { type: "json" };
import planSchema from "../../schemas/plan.schema.json" with { type: "json" };
import projectSchema from "../../schemas/project.schema.json" with { type: "json" };
import roleSchema from "../../schemas/role.schema.json" with { type: "json" };
import statusSchema from "../../schemas/status.schema.json" with { type: "json" };
import metricsSchema from "../../schemas/metrics.schema.json" with { type: "json" };
import memorySchema from "../../schemas/memory.schema.json" with { type: "json" };

export type SpecKind = "agency" | "role" | "project" | "plan" | "status" | "memory";

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

const SCHEMAS = { agency: agencySchema, role: roleSchema, project: projectSchema, plan: planSchema, status: statusSchema, memory: memorySchema };

/** The one pattern for paths a spec names (engine/forge/safe-path.ts checks the same in code). */
export const RELATIVE_PATH_PATTERN: string = agencySchema.$defs.relativePath.pattern;

let validators: Record<SpecKind, ValidateFunction> | undefined;

function compileAll(): Record<SpecKind, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  for (const s of [...Object.values(SCHEMAS), metricsSchema]) ajv.addSchema(s);
  const get = (k: SpecKind) => ajv.getSchema(SCHEMAS[k].$id)!;
  metrics = ajv.getSchema(metricsSchema.$id)!;
  return { agency: get("agency"), role: get("role"), project: get("project"), plan: get("plan"), status: get("status"), memory: get("memory") };
}

let metrics: ValidateFunction | undefined;

/** One line of a metrics file (schemas/metrics.schema.json) checked: the errors as text, empty when valid. */
export function metricsErrors(value: unknown): string[] {
  validators ??= compileAll();
  return metrics!(value) ? [] : (metrics!.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** Validates a parsed value; returns ajv's errors (empty when valid). */
export function schemaErrors(kind: SpecKind, value: unknown): ErrorObject[] {
  validators ??= compileAll();
  const validate = validators[kind];
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

export function schemaOf(kind: SpecKind): { $id: string } {
  return SCHEMAS[kind];
}

export type { ErrorObject };
