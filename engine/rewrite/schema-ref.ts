// The `# yaml-language-server: $schema=` path of a file the engine writes: relative to where the file sits, so
// editors find the schemas however deep the agency directory is.
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export type SchemaKind = "agency" | "role" | "project" | "plan" | "status" | "memory";

/** The schemas/ this engine validates with, at the package root: reached the same way from engine/ and from dist/. */
const OWN_SCHEMAS = fileURLToPath(new URL("../../schemas/", import.meta.url));

/** Where a repository that depends on ateams finds the schemas: inside the installed package. */
export const INSTALLED_SCHEMAS = "node_modules/ateams/schemas";

/**
 * The engine's own schemas when it runs from inside the repository (the ateams checkout itself, or
 * node_modules/ateams there); otherwise the repository is one that depends on ateams, as `ateams init` makes them,
 * and its files name the installed package's schemas even when this engine runs from elsewhere (npx, a link).
 */
export function schemasDirFor(repoRoot: string): string {
  const own = relative(repoRoot, OWN_SCHEMAS);
  return own && !own.startsWith("..") && !isAbsolute(own) ? OWN_SCHEMAS : join(repoRoot, INSTALLED_SCHEMAS);
}

export function schemaRefFor(file: string, repoRoot: string, kind: SchemaKind): string {
  return relative(dirname(file), join(schemasDirFor(repoRoot), `${kind}.schema.json`)).split(sep).join("/");
}
