// Nothing is committed that the loader would reject. Every spec file the engine writes (plan.yaml, status.yaml,
// role files) is checked here the way loadAgency checks it (size limit, YAML, JSON Schema) before it reaches the
// working tree or a commit; a file that fails is refused whole, so one bad model reply or server count cannot leave a
// repository on which every later command fails.
import { MAX_SPEC_BYTES } from "../agency/source-file.ts";
import { parseYaml } from "../agency/parse-yaml.ts";
import { schemaErrors, type SpecKind } from "../agency/schemas.ts";
import { validateDoc } from "../agency/validate-doc.ts";

/** The spec kind the loader reads a repo-relative path as, or undefined when the loader does not read it as a spec. */
export function specKindOf(path: string): SpecKind | undefined {
  const parts = path.split("/");
  // Outputs and work logs are the team's work, whatever their names: never read as specs.
  if (parts.includes("outputs") || parts.includes("log")) return undefined;
  const name = parts[parts.length - 1]!;
  const parent = parts[parts.length - 2];
  const grand = parts[parts.length - 3];
  if ((parent === "memory" || ((parent === "roles" || parent === "analyses") && grand === "memory")) && /\.ya?ml$/.test(name)) return "memory";
  if (parent === "roles" && /\.ya?ml$/.test(name)) return "role";
  if (grand === "projects" && (name === "plan.yaml" || name === "status.yaml" || name === "project.yaml")) return name.slice(0, -5) as SpecKind;
  return undefined;
}

/** What the loader would say about `text` as a `kind` file (size, YAML, schema); [] when it would load. */
export function specTextProblems(kind: SpecKind, text: string, label: string): string[] {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_SPEC_BYTES) return [`${label} would be ${bytes} bytes; the limit for a spec file is ${MAX_SPEC_BYTES}: make it smaller (fewer or shorter items)`];
  const parsed = parseYaml(text, label);
  if (Array.isArray(parsed)) return parsed.map((d) => `${label}: ${d.message}`);
  return validateDoc(kind, parsed).map((d) => `${label}: ${d.message}`);
}

/**
 * The same for a status about to be written, checked on the value (no parse): it is written as JSON, so its text
 * and its value say the same. `text` is the serialization, for the size limit.
 */
export function statusProblems(value: unknown, text: string, label: string): string[] {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_SPEC_BYTES) return [`${label} would be ${bytes} bytes; the limit for a spec file is ${MAX_SPEC_BYTES}`];
  return schemaErrors("status", value).map((e) => `${label}: ${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** An engine-written spec file the loader would reject: refused before anything is written. */
export class UnloadableSpecError extends Error {
  override name = "UnloadableSpecError";
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`refused to write ${file}, which the loader would reject: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`);
    this.file = file;
    this.problems = problems;
  }
}

/** Throws UnloadableSpecError when any of `files` is a spec file the loader would reject. */
export function assertLoadable(files: readonly { path: string; content: string | Uint8Array | null }[]): void {
  for (const f of files) {
    if (typeof f.content !== "string") continue;
    const kind = specKindOf(f.path);
    if (!kind) continue;
    const problems = specTextProblems(kind, f.content, f.path);
    if (problems.length) throw new UnloadableSpecError(f.path, problems);
  }
}

/** The PM's plan still failed the loader's checks after its repair turns: an invalid reply, nothing written. */
export class PlanRejectedError extends Error {
  override name = "PlanRejectedError";
}
