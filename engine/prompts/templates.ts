// Handlebars templates from templates/, compiled in strict mode: a missing variable is an error, not "".
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { TemplateViews } from "./template-views.ts";

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));

/**
 * Rendering by name. `V` maps each template name to its view: the engine's templates are `TemplateViews`
 * (template-views.ts), so only known names with their views compile; `templatesFrom` over other sources (tests)
 * names its own.
 */
export interface Templates<V extends object = TemplateViews> {
  names(): string[];
  /** sha256 of the template source: part of every fingerprint that depends on it. */
  digest(name: string): string;
  render<N extends keyof V & string>(name: N, view: V[N]): string;
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

/** Reads every `*.hbs` in the directory once; rendering afterwards is pure. */
export async function loadTemplates(dir = DEFAULT_TEMPLATES_DIR): Promise<Templates> {
  // The engine renders only TemplateViews' names; a directory missing one fails on first render, as before.
  const sources = new Map<string, string>();
  // Subfolders become name prefixes (pr/stream); init/ holds scaffolding files rendered by `ateams init` alone.
  const files = (await readdir(dir, { recursive: true })).map(String).filter((f) => f.endsWith(".hbs") && !f.startsWith("init"));
  for (const file of files.sort()) sources.set(file.split(sep).join("/").replace(/\.hbs$/, ""), await readFile(join(dir, file), "utf8"));
  return templatesFrom<TemplateViews>(sources);
}

// Compiled templates by source text, shared by every Templates of the process: a long-lived process (watch, a
// reconcile job) loads the templates for every run, and compiling one costs more than most renders. No helpers or
// partials are registered, so a compiled template depends on its text alone.
const hb = Handlebars.create();
const compiledBySource = new Map<string, Handlebars.TemplateDelegate>();
const MAX_COMPILED = 500;

function compile(src: string): Handlebars.TemplateDelegate {
  let t = compiledBySource.get(src);
  if (!t) {
    if (compiledBySource.size >= MAX_COMPILED) compiledBySource.clear();
    compiledBySource.set(src, (t = hb.compile(src, { strict: true, noEscape: true })));
  }
  return t;
}

export function templatesFrom<V extends object = Record<string, object>>(sources: ReadonlyMap<string, string>): Templates<V> {
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  const digests = new Map<string, string>();
  const need = <T>(map: Map<string, T>, name: string, make: (src: string) => T): T => {
    let v = map.get(name);
    if (v === undefined) {
      const src = sources.get(name);
      if (src === undefined) throw new TemplateError(`template '${name}.hbs' not found (have: ${[...sources.keys()].join(", ")})`);
      v = make(src);
      map.set(name, v);
    }
    return v;
  };
  const untyped: Templates<Record<string, object>> = {
    names: () => [...sources.keys()],
    digest: (name) => need(digests, name, (src) => createHash("sha256").update(src).digest("hex")),
    render(name, view) {
      const t = need(compiled, name, compile);
      try {
        return t(view).replace(/\n{3,}/g, "\n\n").trim() + "\n";
      } catch (e) {
        throw new TemplateError(`templates/${name}.hbs: ${(e as Error).message}`, { cause: e });
      }
    },
  };
  // The sources decide which names exist at run time; V only narrows what callers may ask for.
  return untyped as unknown as Templates<V>;
}
