// ajv errors → located, human-worded diagnostics ("expertise must be an array").
import { MAX_DIAGNOSTICS_PER_FILE, settleDiagnostics, type PendingDiagnostic } from "./capped-diagnostics.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { locate, type ParsedYaml, type PathSegment } from "./parse-yaml.ts";
import { RELATIVE_PATH_PATTERN, schemaErrors, type ErrorObject, type SpecKind } from "./schemas.ts";
import { suggest } from "./suggest.ts";

const PATTERN_WORDS: Record<string, string> = {
  "^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "be a lowercase id (letters, digits and single dashes, starting with a letter)",
  "^/[a-z][a-z0-9-]*$": "be a /command in lowercase, like /outline",
  "^https?://": "be an http(s) URL",
  "^[A-Z_][A-Z0-9_]*$": "be an environment variable name",
  "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\\[bot\\])?$": "be a GitHub handle without the @",
  [RELATIVE_PATH_PATTERN]: "be a relative path that stays inside its directory (no leading /, no '.', '..' or '.git' segment, no backslash or control character)",
  "^[0-9a-f]{16,64}$": "be a hex digest",
  "^[0-9a-f]{7,40}$": "be a git commit id",
  "^[A-Z][A-Za-z0-9]*$": "be a CamelCase reason",
};

const TYPE_WORDS: Record<string, string> = {
  array: "an array",
  object: "a mapping",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  null: "null",
};

export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `streams[0].tasks[2].role`; the root is called "document". */
export function displayField(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || "document";
}

export function validateDoc(kind: SpecKind, parsed: ParsedYaml, limit = MAX_DIAGNOSTICS_PER_FILE): Diagnostic[] {
  const pending: PendingDiagnostic[] = [];
  const seen = new Set<string>();
  for (const e of schemaErrors(kind, parsed.value)) {
    // A key failing propertyNames is reported once, on the key, by the propertyNames case.
    if (e.keyword === "pattern" && e.propertyName !== undefined) continue;
    // "must match 'then' schema" only wraps the errors of the `then` branch, which are reported themselves.
    if (e.keyword === "if") continue;
    // The same failure reached through two branches of a schema is one problem.
    const key = `${e.instancePath}\0${e.keyword}\0${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pending.push(pendingDiagnostic(e, parsed));
  }
  return settleDiagnostics(pending, limit);
}

/** Worded and located only when shown: a file may carry tens of thousands of schema errors. */
function pendingDiagnostic(e: ErrorObject, parsed: ParsedYaml): PendingDiagnostic {
  let placed: { segs: PathSegment[]; key: boolean; message: string } | undefined;
  const place = () => (placed ??= describe(e, parsed));
  return {
    severity: "error",
    file: parsed.file,
    locate: () => locate(parsed, place().segs, { key: place().key }),
    message: () => place().message,
  };
}

function describe(e: ErrorObject, parsed: ParsedYaml): { segs: PathSegment[]; key: boolean; message: string } {
  const path = pointerToPath(e.instancePath);
  const field = displayField(path);
  const p = e.params as Record<string, unknown>;
  const at = (segs: PathSegment[], key = false) => (message: string) => ({ segs, key, message });
  switch (e.keyword) {
    case "type": {
      const types = String(p.type).split(",").map((t) => TYPE_WORDS[t] ?? t);
      return at(path)(`${field} must be ${types.join(" or ")}`);
    }
    case "required":
      return at(path)(`${field === "document" ? "document" : field} is missing required property '${String(p.missingProperty)}'`);
    case "additionalProperties": {
      const extra = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = suggest(extra, allowed);
      const where = field === "document" ? "" : ` in ${field}`;
      return at([...path, extra], true)(`unknown property '${extra}'${where}${hint ? ` (did you mean '${hint}'?)` : ""}`);
    }
    case "enum":
      return at(path)(`${field} must be one of: ${(p.allowedValues as unknown[]).map(String).join(", ")}`);
    case "const":
      return at(path)(`${field} must be ${JSON.stringify(p.allowedValue)}`);
    case "pattern":
      return at(path)(`${field} must ${PATTERN_WORDS[String(p.pattern)] ?? `match ${String(p.pattern)}`} (got ${excerpt(valueAt(parsed.value, path))})`);
    case "propertyNames":
      return at([...path, String(p.propertyName)], true)(`'${String(p.propertyName)}' is not a valid key in ${field}: it must be a lowercase id`);
    case "minItems":
      return at(path)(`${field} must have at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}`);
    case "maxItems":
      return at(path)(`${field} must have at most ${String(p.limit)} items`);
    case "uniqueItems": {
      // ajv names the pair in either order depending on how it searched; point at the repeat, the later one.
      const [first, repeat] = [Number(p.i), Number(p.j)].sort((x, y) => x - y) as [number, number];
      return at([...path, repeat])(`${field} has a duplicate item (items ${first} and ${repeat} are equal)`);
    }
    case "minLength":
      return at(path)(p.limit === 1 ? `${field} must not be empty` : `${field} must be at least ${String(p.limit)} characters`);
    case "maxLength":
      return at(path)(`${field} must be at most ${String(p.limit)} characters`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return at(path)(`${field} must be ${String(p.comparison)} ${String(p.limit)}`);
    case "minProperties":
    case "maxProperties": {
      const names = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return at(path)(`${field} must have exactly one of: ${names.join(", ")}`);
    }
    case "format":
      return at(path)(`${field} must be a valid ${String(p.format)}${p.format === "date-time" ? " (RFC 3339, e.g. 2026-01-31T09:00:00Z)" : ""}`);
    default:
      return at(path)(`${field} ${e.message ?? "is invalid"}`);
  }
}

/** Values are quoted in messages, so a huge one must not flood the terminal or the Actions log. */
function excerpt(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= 80 ? json : `${json.slice(0, 77)}…"`;
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const seg of path) v = (v as Record<string | number, unknown> | undefined)?.[seg];
  return v;
}
