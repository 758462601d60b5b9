// Reads the relative and bare imports of engine sources, for the architecture tests: static `import`/`export … from`,
// side-effect `import "x"` and dynamic `import("x")`. Comments are dropped first so prose quoting `from "…"` is not read.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface ImportRef {
  specifier: string;
  /** `import type …` / `export type … from`: erased at runtime, so it loads nothing. */
  typeOnly: boolean;
}

export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

export function importsOf(file: string): ImportRef[] {
  const src = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: ImportRef[] = [];
  for (const m of src.matchAll(/\b(import|export)(\s+type\b)?[^;"'`]*?\bfrom\s*["']([^"']+)["']/g)) out.push({ specifier: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of src.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) out.push({ specifier: m[1]!, typeOnly: false });
  for (const m of src.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push({ specifier: m[1]!, typeOnly: false });
  return out;
}
