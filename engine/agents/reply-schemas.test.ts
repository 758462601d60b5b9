import { describe, expect, it } from "vitest";
import { validatorFor } from "../llm/json-validator.ts";
import type { JSONSchema } from "../llm/types.ts";
import type { PmDecompositionReply, PmOptionsReply, SpecialistWorkReply } from "../agency/types.gen.ts";
import { acceptFiles, decompositionProblems, optionsProblems } from "./reply-checks.ts";
import { pmDecompositionSchema, pmOptionsSchema, replySchema, specialistWorkSchema } from "./reply-schemas.ts";

const scope = { criteria: ["reasoning", "quality"], roles: ["writer", "analyst"], resources: ["style-guide"], tiers: ["fast", "strong"] };
const task = (over: Record<string, unknown> = {}) => ({
  id: "draft",
  title: "Draft",
  role: "writer",
  description: "Write it.",
  dependsOn: [],
  inputs: ["style-guide"],
  outputs: [{ path: "draft.md", description: "" }],
  criteria: ["Clear"],
  tier: null,
  scores: [{ criterion: "reasoning", score: 3 }],
  ...over,
});
const decomposition = (t: Record<string, unknown>, newRoles: unknown[] = []) => ({ streams: [{ id: "s", title: "S", goal: "G", successCriteria: ["ok"], tasks: [t] }], newRoles });
const valid = (schema: JSONSchema, value: unknown) => validatorFor(schema, "t")(value);

describe("specialised reply schemas", () => {
  it("say which criteria, roles, resources, tiers and paths a decomposition may name", () => {
    const s = pmDecompositionSchema(scope);
    expect(valid(s, decomposition(task()))).toBe(true);
    expect(valid(s, decomposition(task({ scores: [{ criterion: "qualty", score: 3 }] })))).toBe(false);
    expect(valid(s, decomposition(task({ inputs: ["brief"] })))).toBe(false);
    expect(valid(s, decomposition(task({ tier: "huge" })))).toBe(false);
    expect(valid(s, decomposition(task({ tier: "strong" })))).toBe(true);
    for (const path of ["../x.md", "/etc/passwd", ".git/config", "a//b", "a\\b"]) expect(valid(s, decomposition(task({ outputs: [{ path, description: "" }] }))), path).toBe(false);
    expect(valid(s, decomposition(task({ title: "  " })))).toBe(false);
    // A new role's id is a pattern (it is declared in the same reply), checked afterwards.
    expect(valid(s, decomposition(task({ role: "pricing-analyst" })))).toBe(true);
    // The generic schema is left as it was.
    expect(valid(replySchema("pm_decomposition"), decomposition(task({ tier: "huge" })))).toBe(true);
  });

  it("give a Specialist exactly its files, and the PM numbered options", () => {
    const work = (files: { path: string; content: string }[]) => ({ files, summary: "s", actions: [], questions: [] });
    const s = specialistWorkSchema(["a.md", "b.md"]);
    expect(valid(s, work([{ path: "a.md", content: "A" }, { path: "b.md", content: "B" }]))).toBe(true);
    expect(valid(s, work([{ path: "c.md", content: "C" }, { path: "b.md", content: "B" }]))).toBe(false);
    expect(valid(s, work([{ path: "a.md", content: "A" }]))).toBe(false);
    expect(valid(s, work([{ path: "a.md", content: "" }, { path: "b.md", content: "B" }]))).toBe(false);
    const o = pmOptionsSchema(3);
    const option = (id: string) => ({ id, title: "T", approach: "A", pros: [], cons: [], estimate: { costUsd: 1, tokens: 1, tasks: 1 } });
    expect(valid(o, { summary: "s", options: [option("option-1"), option("option-2")], recommended: "option-2", rationale: "r" })).toBe(true);
    expect(valid(o, { summary: "s", options: [option("option-1"), option("option-7")], recommended: "option-1", rationale: "r" })).toBe(false);
    expect(valid(o, { summary: "s", options: [1, 2, 3, 4].map((i) => option(`option-${i}`)), recommended: "option-1", rationale: "r" })).toBe(false);
  });
});

describe("reply checks (what a schema cannot say)", () => {
  it("quote every problem of the PM's options", () => {
    const reply = { options: [{ id: "option-1" }, { id: "option-1" }], recommended: "option-3" } as unknown as PmOptionsReply;
    expect(optionsProblems(reply)).toEqual([
      'option id "option-1" is used by options[0], options[1]: give each option its own id (option-1, option-2, …)',
      'recommended "option-3" is not one of the options (option-1, option-1)',
    ]);
  });

  it("find unknown roles, repeated scores and inputs, roles redefined and unsafe paths in a decomposition", () => {
    const reply = decomposition(
      task({ role: "ghost", scores: [{ criterion: "reasoning", score: 1 }, { criterion: "reasoning", score: 2 }], inputs: ["style-guide", "style-guide"], outputs: [{ path: "a/../../x", description: "" }] }),
      [{ id: "writer" }],
    ) as unknown as PmDecompositionReply;
    const problems = decompositionProblems(reply, ["writer", "analyst"]);
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/role "ghost" is neither an existing role/);
    expect(problems.join("\n")).toMatch(/criterion "reasoning" is scored more than once/);
    expect(problems.join("\n")).toMatch(/input "style-guide" is listed more than once/);
    expect(problems.join("\n")).toMatch(/path "a\/..\/..\/x" cannot be written/);
    expect(problems.join("\n")).toMatch(/new role "writer" already exists/);
    expect(decompositionProblems(decomposition(task({ role: "pricing-analyst" }), [{ id: "pricing-analyst" }]) as unknown as PmDecompositionReply, ["writer"])).toEqual([]);
  });

  it("accept a Specialist's files only once each and not blank", () => {
    const work = (files: { path: string; content: string }[]) => ({ files, summary: "", actions: [], questions: [] }) as unknown as SpecialistWorkReply;
    expect(acceptFiles(["a.md", "b.md"], work([{ path: "a.md", content: "x" }, { path: "a.md", content: "y" }])).problems).toEqual(['"a.md" was given twice', "missing file(s): b.md — deliver the complete content of each"]);
    expect(acceptFiles(["a.md"], work([{ path: "./a.md", content: " " }])).problems).toEqual(['"a.md" is empty']);
  });
});
