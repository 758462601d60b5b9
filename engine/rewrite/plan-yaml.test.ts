import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateDoc } from "../agency/validate-doc.ts";
import { parseYaml } from "../agency/parse-yaml.ts";
import type { PmDecompositionReply, PmOptionsReply } from "../agency/types.gen.ts";
import { approveInText, planFromOptions, replanTaskInText, serializePlan, splitTaskInText, withDecomposition } from "./plan-yaml.ts";

const options: PmOptionsReply = {
  summary: "s",
  recommended: "option-2",
  rationale: "r",
  options: [
    { id: "option-1", title: "A", approach: "a", pros: ["p"], cons: ["c"], estimate: { costUsd: 1, tokens: 10, tasks: 1 } },
    { id: "option-2", title: "B", approach: "b", pros: [], cons: [], estimate: { costUsd: 2, tokens: 20, tasks: 2 } },
  ],
};
const decomposition: PmDecompositionReply = {
  newRoles: [],
  streams: [
    {
      id: "s",
      title: "S",
      goal: "g",
      successCriteria: ["ok"],
      tasks: [
        { id: "t1", title: "T1", role: "writer", description: "d", dependsOn: [], inputs: [], outputs: [{ path: "a.md", description: "" }], criteria: ["c"], tier: null, scores: [{ criterion: "reasoning", score: 4 }] },
        { id: "t2", title: "T2", role: "writer", description: "d", dependsOn: ["t1"], inputs: ["style-guide", "style-guide"], outputs: [{ path: "b.md", description: "B" }], criteria: ["c"], tier: "strong", scores: [] },
      ],
    },
  ],
};

describe("plan.yaml rewriters", () => {
  it("writes a schema-valid plan from the PM's replies", () => {
    const plan = withDecomposition(planFromOptions("alpha", options), "option-2", decomposition);
    const text = serializePlan(plan);
    expect(text.startsWith("# yaml-language-server: $schema=../../../schemas/plan.schema.json\n")).toBe(true);
    const parsed = parseYaml(text, "plan.yaml");
    if (Array.isArray(parsed)) throw new Error("unparsable");
    expect(validateDoc("plan", parsed)).toEqual([]);
    const value = parsed.value as Record<string, any>;
    expect(value.basedOn).toBe("option-2");
    expect(value.streams[0].tasks[0]).toEqual({ id: "t1", title: "T1", role: "writer", description: "d", outputs: [{ path: "a.md" }], criteria: ["c"], scores: { reasoning: 4 } });
    expect(value.streams[0].tasks[1].dependsOn).toEqual(["t1"]);
    // Resources the PM hands a task, once each, and a pinned tier.
    expect(value.streams[0].tasks[1].inputs).toEqual([{ resource: "style-guide" }]);
    expect(value.streams[0].tasks[1].tier).toBe("strong");
    expect(value.chosen).toBeUndefined();
  });

  it("approval edits keep comments and every other line", () => {
    const text = "# keep me\nproject: alpha # and me\nrecommended: option-2\noptions: []\n";
    const out = approveInText(text, "option-1", "octocat", "2026-11-25T10:00:00Z");
    expect(out).toContain("# keep me\nproject: alpha # and me\nrecommended: option-2\n");
    expect(parse(out)).toMatchObject({ chosen: "option-1", approval: { by: "octocat", at: "2026-11-25T10:00:00Z" } });
  });

  it("re-plans one task in place", () => {
    const text = serializePlan(withDecomposition(planFromOptions("alpha", options), "option-2", decomposition));
    const out = parse(replanTaskInText(text, "t2", { description: "new d", criteria: ["new c"] }));
    expect(out.streams[0].tasks[1]).toMatchObject({ description: "new d", criteria: ["new c"] });
    expect(out.streams[0].tasks[0].description).toBe("d");
    expect(() => replanTaskInText(text, "nope", { description: "x" })).toThrow(/nope/);
  });

  it("splits a task: the new one goes first in its stream, with the old one's dependencies, and the old one depends on it", () => {
    const text = serializePlan(withDecomposition(planFromOptions("alpha", options), "option-2", decomposition));
    const added = { id: "t0", title: "Prep", role: "r", description: "prep", outputs: [{ path: "prep.md", description: "p" }], criteria: ["c"] };
    const out = parse(splitTaskInText(`# kept\n${text}`, "t2", added));
    const tasks = out.streams[0].tasks;
    expect(tasks.map((t: { id: string }) => t.id)).toEqual(["t1", "t0", "t2"]);
    expect(tasks[1]).toEqual({ ...added, dependsOn: ["t1"] });
    expect(tasks[2].dependsOn).toEqual(["t1", "t0"]);
    expect(splitTaskInText(`# kept\n${text}`, "t2", added)).toMatch(/^# kept\n/);
    expect(() => splitTaskInText(text, "nope", added)).toThrow(/nope/);
  });
});

describe("approval is a surgical edit", () => {
  it("changes only the chosen and approval lines of a hand-written plan", () => {
    const text = "project: alpha\nsummary: >\n  A long folded summary that a serializer\n  would re-wrap.\noptions: [ ]\nrecommended: option-1\nchosen: option-1\napproval:\n  by: a\n  at: x\nbasedOn: option-1 # keep\nstreams: [a, b]\n";
    const out = approveInText(text, "option-2", "octocat", "2026-11-25T10:00:00Z");
    expect(out).toBe("project: alpha\nsummary: >\n  A long folded summary that a serializer\n  would re-wrap.\noptions: [ ]\nrecommended: option-1\nchosen: option-2\napproval:\n  by: \"octocat\"\n  at: \"2026-11-25T10:00:00Z\"\nbasedOn: option-1 # keep\nstreams: [a, b]\n");
  });
});
