// data-retriever: search and read the repository's text files, confined to the repository (no `..`, no links out).
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { AgentTool } from "./types.ts";

const MAX_FILE_CHARS = 24_000;
const MAX_HITS = 30;
const SKIP = new Set([".git", "node_modules", ".ateams"]);

/** The real path of `path` when it stays inside `root` (links followed), else undefined. */
export function inside(root: string, path: string): string | undefined {
  try {
    const real = realpathSync(resolve(root, path));
    const realRoot = realpathSync(root);
    return real === realRoot || real.startsWith(realRoot + sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

function* textFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.name.startsWith(".")) continue;
    const abs = join(dir, e.name);
    if (e.isDirectory()) yield* textFiles(abs);
    else if (e.isFile() && /\.(md|txt|ya?ml|json|csv|ts|js|py|html|css)$/i.test(e.name)) yield abs;
  }
}

export function repoFileTools(root: string, searchDir: string): AgentTool[] {
  return [
    {
      spec: {
        name: "search_files",
        description: "Search the agency's text files (resources, earlier outputs, memory) for a phrase; returns matching lines with file and line number.",
        parameters: { type: "object", additionalProperties: false, required: ["query"], properties: { query: { type: "string", minLength: 2 } } },
      },
      async handler(args) {
        const query = (args as { query: string }).query.toLowerCase();
        const hits: string[] = [];
        for (const file of textFiles(searchDir)) {
          if (statSync(file).size > 1024 * 1024) continue;
          readFileSync(file, "utf8")
            .split("\n")
            .forEach((line, i) => {
              if (hits.length < MAX_HITS && line.toLowerCase().includes(query)) hits.push(`${relative(root, file).split(sep).join("/")}:${i + 1}: ${line.trim().slice(0, 200)}`);
            });
          if (hits.length >= MAX_HITS) break;
        }
        return hits.length ? hits.join("\n") : `No file mentions "${query}".`;
      },
    },
    {
      spec: {
        name: "read_file",
        description: "Read a text file of the repository by its path (as search_files prints it).",
        parameters: { type: "object", additionalProperties: false, required: ["path"], properties: { path: { type: "string", minLength: 1 } } },
      },
      async handler(args) {
        const path = (args as { path: string }).path;
        // Only the agency's own files: never .git (its config can hold a token), dot-files or anything outside.
        if (path.split(/[\\/]/).some((seg) => seg.startsWith(".") || SKIP.has(seg))) return `Error: '${path}' is not a file the agency's tools may read.`;
        const abs = inside(searchDir, resolve(root, path));
        if (!abs || !statSync(abs).isFile()) return `Error: '${path}' is not a file of the agency.`;
        const text = readFileSync(abs, "utf8");
        return text.length <= MAX_FILE_CHARS ? text : `${text.slice(0, MAX_FILE_CHARS)}\n[… ${text.length - MAX_FILE_CHARS} more characters]`;
      },
    },
  ];
}
