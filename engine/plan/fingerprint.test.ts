import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { edit, load, settle, tempAgency } from "../../test/support/agency-fixture.ts";
import { loadTemplates, templatesFrom, type Templates } from "../prompts/templates.ts";
import { planAgency } from "./plan.ts";

let fx: Awaited<ReturnType<typeof tempAgency>>;
let templates: Templates;

beforeEach(async () => {
  fx = await tempAgency("mini");
  templates = await loadTemplates();
  await settle(fx.agency, templates);
});
afterEach(() => fx.cleanup());

async function staleTasks(t: Templates = templates): Promise<string[]> {
  const plan = planAgency(await load(fx.agency), t, ["alpha"]);
  return plan.projects[0]!.actions.filter((a) => a.kind === "run-task").map((a) => a.task!).sort();
}

async function reasonOf(task: string): Promise<string> {
  const plan = planAgency(await load(fx.agency), templates, ["alpha"]);
  return plan.projects[0]!.actions.find((a) => a.kind === "run-task" && a.task === task)!.reason;
}

const alpha = () => join(fx.agency, "projects", "alpha");

describe("task fingerprints", () => {
  it("a settled project has nothing to do", async () => {
    const plan = planAgency(await load(fx.agency), templates, ["alpha"]);
    expect(plan.projects[0]!.stage).toBe("done");
    expect(plan.projects[0]!.actions).toEqual([]);
  });

  it("editing a role marks exactly its tasks and their downstream", async () => {
    await edit(join(fx.agency, "roles", "researcher.yaml"), "Finds and checks facts.", "Finds, checks and dates facts.");
    expect(await staleTasks()).toEqual(["competitors", "draft", "facts", "polish"]);
    expect(await reasonOf("facts")).toBe("role changed");
    expect(await reasonOf("draft")).toMatch(/upstream (facts|competitors) changed/);
  });

  it("editing another role leaves the first role's tasks alone", async () => {
    await edit(join(fx.agency, "roles", "writer.yaml"), "Writes clear prose.", "Writes clear, short prose.");
    expect(await staleTasks()).toEqual(["draft", "glossary", "polish"]);
  });

  it("editing one task marks it and its downstream only", async () => {
    await edit(join(alpha(), "plan.yaml"), "Collect facts about the product.", "Collect dated facts about the product.");
    expect(await staleTasks()).toEqual(["draft", "facts", "polish"]);
    expect(await reasonOf("facts")).toBe("task definition changed");
  });

  it("editing the specialist template marks every task; the collaborator template marks none", async () => {
    const sources = new Map<string, string>();
    for (const n of templates.names()) sources.set(n, await readFile(join(import.meta.dirname, "../../templates", `${n}.hbs`), "utf8"));
    const specialistEdited = new Map(sources).set("specialist.system", `${sources.get("specialist.system")}\nBe brief.\n`);
    expect(await staleTasks(templatesFrom(specialistEdited))).toEqual(["competitors", "draft", "facts", "glossary", "polish"]);
    const collaboratorEdited = new Map(sources).set("collaborator.system", `${sources.get("collaborator.system")}\nBe strict.\n`);
    expect(await staleTasks(templatesFrom(collaboratorEdited))).toEqual([]);
    expect(await staleTasks(templatesFrom(sources))).toEqual([]);
  });

  it("a human edit to an upstream output reruns its downstream, not the task itself", async () => {
    await writeFile(join(alpha(), "outputs", "research", "facts.md"), "# Facts\n\nEdited by a person.\n");
    expect(await staleTasks()).toEqual(["draft", "polish"]);
    expect(await reasonOf("draft")).toBe("upstream facts changed");
  });

  it("a deleted output reruns its task (and what reads it)", async () => {
    await rm(join(alpha(), "outputs", "research", "glossary.md"));
    expect(await staleTasks()).toEqual(["glossary"]);
    expect(await reasonOf("glossary")).toBe("output missing: glossary.md");
  });

  it("recorded feedback reruns that task and its downstream", async () => {
    const file = join(alpha(), "status.yaml");
    const status = parse(await readFile(file, "utf8"));
    status.tasks.draft.feedback = [{ by: "octocat", at: "2026-11-22T09:00:00Z", text: "Lead with the customer problem." }];
    await writeFile(file, stringify(status));
    expect(await staleTasks()).toEqual(["draft", "polish"]);
    expect(await reasonOf("draft")).toBe("new feedback");
  });

  it("changing a tier's model reruns the tasks routed to it, and their downstream", async () => {
    await edit(join(fx.agency, "agency.yaml"), "model: small-model", "model: small-model-v2");
    expect(await staleTasks()).toEqual(["draft", "facts", "glossary", "polish"]);
    expect(await reasonOf("facts")).toBe("model tier changed");
  });

  it("unrelated edits change nothing: prices, project docs outside the prompt, other projects", async () => {
    await edit(join(fx.agency, "agency.yaml"), "inputPerMTok: 1,", "inputPerMTok: 1.5,");
    await edit(join(fx.agency, "projects", "beta", "project.yaml"), "Plan a launch", "Plan a bigger launch");
    expect(await staleTasks()).toEqual([]);
  });

  it("is deterministic: the same inputs give the same fingerprints", async () => {
    const a = planAgency(await load(fx.agency), templates);
    const b = planAgency(await load(fx.agency), templates);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("a lesson taught to a role reaches its future prompts but reruns nothing", async () => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(fx.agency, "memory", "roles"), { recursive: true });
    await writeFile(join(fx.agency, "memory", "roles", "writer.yaml"), "# yaml-language-server: $schema=../../../schemas/memory.schema.json\nentries:\n  - id: writer-customer\n    kind: lesson\n    text: Lead with the customer problem.\n    provenance:\n      - { by: \"@octocat\", at: \"2026-12-01\" }\n");
    expect(await staleTasks()).toEqual([]);
    const model = await load(fx.agency);
    const project = model.projects.get("alpha")!;
    const stream = project.plan!.streams![1]!;
    const { specialistView } = await import("../prompts/views.ts");
    const { recallForTask } = await import("../memory/recall.ts");
    const { lexicalRanker } = await import("../memory/ranker.ts");
    const memory = await recallForTask(lexicalRanker, model, stream, stream.tasks[0]!);
    expect(templates.render("specialist.system", specialistView(model, project, stream, stream.tasks[0]!, () => true, memory))).toContain("## From the agency's memory (lessons and patterns from earlier work; apply those that bear on this task)\n- Lead with the customer problem. (@octocat)\n");
    expect(templates.render("specialist.system", specialistView(model, project, stream, stream.tasks[0]!))).not.toContain("From the agency's memory");
  });

  it("the content of an input file is part of the fingerprint: editing it reruns the tasks that read it", async () => {
    await writeFile(join(alpha(), "brief.md"), "# Brief\n\nVersion 1.\n");
    await edit(join(alpha(), "plan.yaml"), "        description: Collect facts about the product.\n", "        description: Collect facts about the product.\n        inputs: [{ file: brief.md }]\n");
    await settle(fx.agency, templates);
    expect(await staleTasks()).toEqual([]);
    await writeFile(join(alpha(), "brief.md"), "# Brief\n\nVersion 2.\n");
    expect(await staleTasks()).toEqual(["draft", "facts", "polish"]);
    expect(await reasonOf("facts")).toBe("input resources changed");
  });

  it("a budget change reruns nothing, not even the assembly", async () => {
    await edit(join(alpha(), "project.yaml"), "successCriteria:", "budget: { maxCostUsd: 12 }\nsuccessCriteria:");
    const plan = planAgency(await load(fx.agency), templates, ["alpha"]);
    expect(plan.projects[0]!.actions).toEqual([]);
  });
});

