// Test-only: checks HTTP traffic against GitHub's own REST description (the extract in
// test/fixtures/github/openapi-subset.json, made by scripts/extract-github-openapi.ts). A request must name an
// operation that exists, with known query parameters and a body its schema accepts; a reply must match the schema
// the operation declares for that status. Problems come back as a list (never thrown), so the caller decides how loud
// to be.
//
// The description is OpenAPI 3.0: JSON Schema draft-04/07 plus `nullable`, which ajv understands natively; `example`
// and `x-*` keywords are ignored by compiling with `strict: false`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AjvImport, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";

// ajv and ajv-formats ship CommonJS typings; these are the shapes they have at runtime under ESM.
const Ajv = AjvImport as unknown as typeof AjvImport.default;
type AjvInstance = InstanceType<typeof Ajv>;
const addFormats = addFormatsImport as unknown as (ajv: AjvInstance) => AjvInstance;

export const SUBSET_PATH = fileURLToPath(new URL("../../../test/fixtures/github/openapi-subset.json", import.meta.url));
const DOC_ID = "github-openapi-subset";

interface ParameterSpec {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: Record<string, unknown>;
}

interface OperationSpec {
  method: string;
  path: string;
  parameters: ParameterSpec[];
  requestBody: { required: boolean; schema: Record<string, unknown> } | null;
  responses: Record<string, { schema?: Record<string, unknown>; example?: unknown }>;
}

export interface OpenApiSubset {
  source: { package: string; version: string };
  operations: Record<string, OperationSpec>;
  components: { schemas: Record<string, unknown> };
}

export interface MatchedOperation {
  operationId: string;
  method: string;
  pathTemplate: string;
  /** Path parameters, decoded and converted to the type their schema declares. */
  pathParams: Record<string, string | number>;
}

interface Route {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
}

function coerce(raw: string, schema: Record<string, unknown>): unknown {
  const type = schema.type;
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

function words(errors: readonly ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => {
    const params = e.params as Record<string, unknown>;
    const detail = e.keyword === "additionalProperties" ? ` '${String(params.additionalProperty)}'` : e.keyword === "enum" ? ` ${JSON.stringify(params.allowedValues)}` : "";
    return `${where}${e.instancePath || ""} ${e.message ?? "is invalid"}${detail}`;
  });
}

/** Every property name a request-body schema names at its top level, through oneOf/anyOf/allOf branches. */
function declaredKeys(schema: Record<string, unknown>): Set<string> | undefined {
  const keys = new Set<string>();
  const visit = (s: unknown): void => {
    if (typeof s !== "object" || s === null) return;
    const o = s as Record<string, unknown>;
    if (o.properties && typeof o.properties === "object") for (const k of Object.keys(o.properties)) keys.add(k);
    for (const branch of ["oneOf", "anyOf", "allOf"]) if (Array.isArray(o[branch])) (o[branch] as unknown[]).forEach(visit);
  };
  visit(schema);
  return keys.size === 0 ? undefined : keys;
}

export class OpenApiCheck {
  readonly subset: OpenApiSubset;
  private readonly ajv: AjvInstance;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(subset: OpenApiSubset) {
    this.subset = subset;
    this.ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
    this.ajv.addSchema(subset as unknown as object, DOC_ID);
    this.routes = Object.entries(subset.operations)
      .map(([operationId, op]) => {
        const names: string[] = [];
        const segments = op.path.split("/");
        const source = segments
          .map((seg) => seg.replace(/\{([^}]+)\}/g, (_m, name: string) => (names.push(name), "([^/]+)")))
          .join("/");
        return {
          operationId,
          method: op.method.toUpperCase(),
          template: op.path,
          pattern: new RegExp(`^${source}$`),
          names,
          literalSegments: segments.filter((s) => s && !s.includes("{")).length,
        };
      })
      // `/pulls/comments` must win over `/pulls/{pull_number}`: the more literal template first.
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  operation(operationId: string): OperationSpec {
    const op = this.subset.operations[operationId];
    if (!op) throw new Error(`operation ${operationId} is not in the OpenAPI extract`);
    return op;
  }

  /** The operation a request is for, or undefined when GitHub has no such endpoint (in our extract). */
  match(method: string, pathname: string): MatchedOperation | undefined {
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase()) continue;
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      const params = this.operation(route.operationId).parameters;
      const pathParams: Record<string, string | number> = {};
      let fits = true;
      route.names.forEach((name, i) => {
        const raw = decodeURIComponent(m[i + 1]!);
        const spec = params.find((p) => p.in === "path" && p.name === name);
        const value = spec ? coerce(raw, spec.schema) : raw;
        if (spec?.schema.type === "integer" && typeof value !== "number") fits = false;
        pathParams[name] = value as string | number;
      });
      if (fits) return { operationId: route.operationId, method: route.method, pathTemplate: route.template, pathParams };
    }
    return undefined;
  }

  private validator(ref: string): ValidateFunction {
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: `${DOC_ID}#/${ref}` });
      this.validators.set(ref, v);
    }
    return v;
  }

  /** Problems with a request's path parameters, query string and JSON body; empty when GitHub would accept it. */
  checkRequest(match: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
    const op = this.operation(match.operationId);
    const problems: string[] = [];
    const label = `${match.operationId}:`;
    op.parameters.forEach((param, i) => {
      const base = pointer("operations", match.operationId, "parameters", String(i), "schema");
      if (param.in === "path") {
        const v = this.validator(base);
        if (!v(match.pathParams[param.name])) problems.push(...words(v.errors, `${label} path {${param.name}}`));
        return;
      }
      const values = query.getAll(param.name);
      if (values.length === 0 && param.required) problems.push(`${label} missing required query parameter '${param.name}'`);
      for (const raw of values) {
        const v = this.validator(base);
        if (!v(coerce(raw, param.schema))) problems.push(...words(v.errors, `${label} query '${param.name}'`));
      }
    });
    for (const key of new Set(query.keys())) {
      if (!op.parameters.some((p) => p.in === "query" && p.name === key)) problems.push(`${label} unknown query parameter '${key}'`);
    }
    if (!op.requestBody) {
      if (body !== undefined) problems.push(`${label} takes no request body, got ${JSON.stringify(body).slice(0, 80)}`);
      return problems;
    }
    if (body === undefined) {
      if (op.requestBody.required) problems.push(`${label} request body is required`);
      return problems;
    }
    const v = this.validator(pointer("operations", match.operationId, "requestBody", "schema"));
    if (!v(body)) problems.push(...words(v.errors, `${label} body`));
    // GitHub silently ignores unknown body fields, which hides typos; we do not.
    const keys = declaredKeys(op.requestBody.schema);
    if (keys && typeof body === "object" && body !== null && !Array.isArray(body)) {
      for (const key of Object.keys(body)) if (!keys.has(key)) problems.push(`${label} body has unknown field '${key}'`);
    }
    return problems;
  }

  /**
   * Problems with a reply. Statuses the operation does not declare are accepted only where GitHub can send them to
   * any call (401 bad token, 403/429 rate limits, 404 for anything the token cannot see, 5xx), and then must look
   * like GitHub's `basic-error`.
   */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const op = this.operation(operationId);
    const label = `${operationId} reply ${status}:`;
    const declared = op.responses[String(status)];
    if (!declared) {
      if (status === 401 || status === 403 || status === 404 || status === 429 || status >= 500) {
        if (body === undefined || body === "") return [];
        const v = this.validator("genericErrorSchema");
        return v(body) ? [] : words(v.errors, label);
      }
      return [`${label} status not declared by the operation (declares ${Object.keys(op.responses).join(", ")})`];
    }
    if (!declared.schema) {
      if (body === undefined || body === "") return [];
      // Some errors are declared without content (pulls/request-reviewers 422), yet GitHub always explains itself.
      if (status >= 400) {
        const v = this.validator("genericErrorSchema");
        return v(body) ? [] : words(v.errors, label);
      }
      return [`${label} declares no body, got one`];
    }
    const v = this.validator(pointer("operations", operationId, "responses", String(status), "schema"));
    return v(body) ? [] : words(v.errors, label);
  }

  /** The spec's own example reply for an operation and status, as a fresh copy. */
  example(operationId: string, status: number): unknown {
    const example = this.operation(operationId).responses[String(status)]?.example;
    if (example === undefined) throw new Error(`${operationId} has no example for ${status}`);
    return structuredClone(example);
  }

  /** Property names a component schema declares (to cut a full object down to its "simple" variant). */
  schemaProperties(name: string): string[] {
    const schema = this.subset.components.schemas[name] as { properties?: Record<string, unknown> } | undefined;
    if (!schema?.properties) throw new Error(`schema ${name} is not in the OpenAPI extract`);
    return Object.keys(schema.properties);
  }
}

let shared: OpenApiCheck | undefined;

/** The committed extract, parsed and compiled once per process. */
export function openApiCheck(): OpenApiCheck {
  shared ??= new OpenApiCheck(JSON.parse(readFileSync(SUBSET_PATH, "utf8")) as OpenApiSubset);
  return shared;
}
