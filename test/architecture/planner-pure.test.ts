// The planner is pure: given loaded specs and status it returns actions, and starting it loads no module that spawns
// a process, opens a socket or watches files. This follows every runtime import (type-only imports load nothing)
// from each module in engine/plan and fails naming the chain that reaches a forbidden module.
//
// Reading files: the planner itself reads none. Loading specs (engine/agency/load-agency.ts) and templates
// (engine/prompts/templates.ts) is a separate step its caller runs first; neither is reached from engine/plan, and
// node:fs is forbidden below so that stays true.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";
import { importsOf, tsFiles } from "./imports.ts";

const FORBIDDEN = [
  /^node:(child_process|net|http|https|http2|tls|dgram|worker_threads|cluster|fs|fs\/promises)$/,
  /^(child_process|net|http|https|fs)$/,
  /^openai$/, /^octokit$/, /^@octokit\//, /^chokidar$/, /^simple-git$/, /^undici$/, /^execa$/,
];

const root = resolve(__dirname, "../..");

export function forbiddenReached(entries: string[]): string[] {
  const via = new Map<string, string | undefined>(entries.map((e) => [e, undefined]));
  const queue = [...entries];
  const found: string[] = [];
  const chain = (f: string): string => { const c: string[] = []; for (let x: string | undefined = f; x; x = via.get(x)) c.unshift(relative(root, x)); return c.join(" -> "); };
  while (queue.length > 0) {
    const f = queue.shift()!;
    for (const { specifier, typeOnly } of importsOf(f)) {
      if (typeOnly) continue;
      if (specifier.startsWith(".")) {
        const t = resolve(dirname(f), specifier);
        if (!via.has(t) && t.endsWith(".ts") && existsSync(t)) { via.set(t, f); queue.push(t); }
      } else if (FORBIDDEN.some((r) => r.test(specifier))) found.push(`${chain(f)} imports ${specifier}`);
    }
  }
  return found;
}

it("loads no module that spawns or does I/O from the planner's entry (engine/plan)", () => {
  const entries = tsFiles(join(root, "engine/plan")).filter((f) => !f.endsWith(".test.ts"));
  expect(entries.length).toBeGreaterThan(0);
  expect(forbiddenReached(entries)).toEqual([]);
});

// Handed an adapter (a memory ranker that may call an embeddings endpoint), a pure module could still wait on I/O.
// The planner waits on nothing: what needs a ranker (`ateams plan --show-prompts`, which finished tasks a lesson
// changes) is the CLI's step after planning (engine/cli/system-prompt.ts, taught-since.ts).
it("waits on nothing: no module in engine/plan is async", () => {
  const waiting = tsFiles(join(root, "engine/plan"))
    .filter((f) => !f.endsWith(".test.ts"))
    .filter((f) => /\basync\b|\bawait\b|\bPromise\b/.test(codeOnly(readFileSync(f, "utf8"))))
    .map((f) => relative(root, f));
  expect(waiting).toEqual([]);
});

/** Source without comments and string literals (an action kind is spelled "await-review"). */
function codeOnly(source: string): string {
  return source.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
}
