// Cuts the operations ateams uses out of GitHub's REST description (@octokit/openapi, ~385 MB) into one small,
// self-contained file the GitHub tests validate every request and canned reply against
// (test/support/github/openapi-check.ts). `node scripts/extract-github-openapi.ts` writes
// test/fixtures/github/openapi-subset.json; `--check` exits 1 when that file no longer matches what the installed
// package would give (after a package upgrade or a change to the list below).
//
// Source: `api.github.com.json`, the variant that keeps `$ref`s. The dereferenced variant inlines the same
// `pull-request` schema into every pulls operation (about 250 KB of schema before pretty-printing); here shared
// schemas stay shared under `components.schemas` (only the ones our operations reach), while parameter, request-body,
// response and example references are resolved in place. Descriptions, schema-level examples and `x-*` extensions
// are dropped; each 2xx response keeps its default example, which the fake repository builds its objects from.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const SUBSET_FILE = join(root, "test/fixtures/github/openapi-subset.json");

/** Every REST operation the engine may call, by the spec's own operationId. Order is kept in the output. */
export const OPERATIONS = [
  "pulls/list",
  "pulls/get",
  "pulls/create",
  "pulls/update",
  "pulls/request-reviewers",
  "pulls/list-reviews",
  "pulls/list-review-comments",
  "pulls/list-review-comments-for-repo",
  "issues/list-comments",
  "issues/list-comments-for-repo",
  "issues/create-comment",
  "issues/update-comment",
  "issues/add-labels",
  "issues/remove-label",
  "issues/get-label",
  "issues/create-label",
  "reactions/create-for-issue-comment",
  "reactions/create-for-pull-request-review-comment",
  "repos/get-collaborator-permission-level",
  "repos/create-dispatch-event",
] as const;

// GraphQL is not part of the REST description. Its transport shape is fixed by GitHub's GraphQL-over-HTTP docs
// (docs.github.com/en/graphql/guides/forming-calls-with-graphql): POST /graphql with {query, variables?}, answered
// with 200 and {data?, errors?}. Written here so it is checked like every other call.
const GRAPHQL_OPERATION = {
  method: "post",
  path: "/graphql",
  source: "hand-written: GitHub GraphQL over HTTP, not in the REST description",
  parameters: [],
  requestBody: {
    required: true,
    schema: {
      type: "object",
      required: ["query"],
      additionalProperties: false,
      properties: {
        query: { type: "string", minLength: 1 },
        variables: { type: "object" },
        operationName: { type: "string" },
      },
    },
  },
  responses: {
    "200": {
      schema: {
        type: "object",
        anyOf: [{ required: ["data"] }, { required: ["errors"] }],
        properties: {
          data: { type: "object", nullable: true },
          errors: {
            type: "array",
            items: {
              type: "object",
              required: ["message"],
              properties: { message: { type: "string" }, type: { type: "string" }, path: { type: "array" } },
            },
          },
        },
      },
    },
  },
};

/** GitHub answers any operation with these when rate limited or unwell; the spec lists them only here and there. */
const GENERIC_ERROR_SCHEMA = "basic-error";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DROPPED_KEYWORDS = new Set(["description", "example", "examples", "externalDocs"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const SCHEMA_SLOTS = new Set(["items", "additionalProperties", "not"]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refName(ref: string, section: string): string {
  const prefix = `#/components/${section}/`;
  if (!ref.startsWith(prefix)) throw new Error(`unexpected $ref ${ref} (wanted one under ${prefix})`);
  return ref.slice(prefix.length);
}

class Extractor {
  readonly schemas = new Map<string, JsonObject>();
  private readonly spec: JsonObject;
  private readonly components: JsonObject;

  constructor(spec: JsonObject) {
    this.spec = spec;
    if (!isObject(spec.components)) throw new Error("spec has no components");
    this.components = spec.components;
  }

  private component(section: string, ref: string): JsonObject {
    const table = this.components[section];
    const found = isObject(table) ? table[refName(ref, section)] : undefined;
    if (!isObject(found)) throw new Error(`dangling $ref ${ref}`);
    return found;
  }

  private follow(section: string, value: JsonObject): JsonObject {
    return typeof value.$ref === "string" ? this.component(section, value.$ref) : value;
  }

  /** Keeps validation keywords, drops prose and vendor extensions, and collects every schema it references. */
  cleanSchema(schema: Json): Json {
    if (!isObject(schema)) return schema;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (DROPPED_KEYWORDS.has(key) || key.startsWith("x-")) continue;
      if (key === "$ref" && typeof value === "string") {
        this.addSchema(refName(value, "schemas"));
        out[key] = value;
      } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, this.cleanSchema(sub)]));
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((sub) => this.cleanSchema(sub));
      } else if (SCHEMA_SLOTS.has(key) && (isObject(value) || Array.isArray(value))) {
        out[key] = Array.isArray(value) ? value.map((sub) => this.cleanSchema(sub)) : this.cleanSchema(value);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  addSchema(name: string): void {
    if (this.schemas.has(name)) return;
    const schema = this.component("schemas", `#/components/schemas/${name}`);
    this.schemas.set(name, {}); // placeholder first: schemas may reference themselves
    this.schemas.set(name, this.cleanSchema(schema) as JsonObject);
  }

  private jsonContent(container: JsonObject): JsonObject | undefined {
    const content = container.content;
    if (!isObject(content)) return undefined;
    const json = content["application/json"];
    return isObject(json) ? json : undefined;
  }

  private example(media: JsonObject): Json | undefined {
    const examples = media.examples;
    if (!isObject(examples)) return undefined;
    const first = examples.default ?? Object.values(examples)[0];
    if (!isObject(first)) return undefined;
    const resolved = this.follow("examples", first);
    return resolved.value;
  }

  operation(method: string, path: string, op: JsonObject): JsonObject {
    const parameters: Json[] = [];
    for (const raw of Array.isArray(op.parameters) ? op.parameters : []) {
      if (!isObject(raw)) continue;
      const p = this.follow("parameters", raw);
      if (p.in !== "path" && p.in !== "query") continue;
      parameters.push({ name: p.name ?? null, in: p.in, required: p.required === true, schema: this.cleanSchema(p.schema ?? {}) });
    }
    let requestBody: Json = null;
    if (isObject(op.requestBody)) {
      const body = this.follow("requestBodies", op.requestBody);
      const media = this.jsonContent(body);
      if (media) requestBody = { required: body.required === true, schema: this.cleanSchema(media.schema ?? {}) };
    }
    const responses: JsonObject = {};
    for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
      if (!isObject(raw)) continue;
      const response = this.follow("responses", raw);
      const media = this.jsonContent(response);
      const entry: JsonObject = {};
      if (media?.schema !== undefined) entry.schema = this.cleanSchema(media.schema);
      const example = media && status.startsWith("2") ? this.example(media) : undefined;
      if (example !== undefined) entry.example = example;
      responses[status] = entry;
    }
    return { method, path, source: "api.github.com.json", parameters, requestBody, responses };
  }
}

export async function extractSubset(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve("@octokit/openapi/package.json"));
  const pkg = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8")) as { version: string };
  const spec = JSON.parse(await readFile(join(pkgDir, "generated/api.github.com.json"), "utf8")) as JsonObject;
  const extractor = new Extractor(spec);

  const found = new Map<string, JsonObject>();
  for (const [path, item] of Object.entries(isObject(spec.paths) ? spec.paths : {})) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (isObject(op) && typeof op.operationId === "string" && (OPERATIONS as readonly string[]).includes(op.operationId)) {
        found.set(op.operationId, extractor.operation(method, path, op));
      }
    }
  }
  const operations: JsonObject = {};
  for (const id of OPERATIONS) {
    const op = found.get(id);
    if (!op) throw new Error(`operation ${id} is not in @octokit/openapi ${pkg.version}`);
    operations[id] = op;
  }
  operations.graphql = GRAPHQL_OPERATION as unknown as Json;
  extractor.addSchema(GENERIC_ERROR_SCHEMA);

  const schemas = Object.fromEntries([...extractor.schemas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const subset = {
    $comment: "GENERATED by scripts/extract-github-openapi.ts from @octokit/openapi. Do not edit; rerun the script.",
    source: { package: "@octokit/openapi", version: pkg.version, file: "generated/api.github.com.json", openapi: spec.openapi ?? null },
    genericErrorSchema: { $ref: `#/components/schemas/${GENERIC_ERROR_SCHEMA}` },
    operations,
    components: { schemas },
  };
  return `${JSON.stringify(subset, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = await extractSubset();
  if (process.argv.includes("--check")) {
    const current = await readFile(SUBSET_FILE, "utf8").catch(() => "");
    if (current !== fresh) {
      console.error(`${SUBSET_FILE} is stale: run node scripts/extract-github-openapi.ts`);
      process.exit(1);
    }
    console.log(`${SUBSET_FILE} is up to date`);
  } else {
    await writeFile(SUBSET_FILE, fresh);
    console.log(`wrote ${SUBSET_FILE} (${Math.round(fresh.length / 1024)} KB)`);
  }
}
