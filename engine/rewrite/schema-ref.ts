// The `# yaml-language-server: $schema=` path of a file the engine writes: relative to where the file sits, so
// editors find the repository's schemas/ however deep the agency directory is.
import { dirname, join, relative, sep } from "node:path";

export function schemaRefFor(file: string, repoRoot: string, kind: "agency" | "role" | "project" | "plan" | "status"): string {
  return relative(dirname(file), join(repoRoot, "schemas", `${kind}.schema.json`)).split(sep).join("/");
}
