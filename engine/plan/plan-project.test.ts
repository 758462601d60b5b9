import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { edit, load, settle, tempAgency } from "../../test/support/agency-fixture.ts";
import { loadTemplates, type Templates } from "../prompts/templates.ts";
import { planAgency } from "./plan.ts";
import { roleVersion } from "./fingerprint.ts";
import { actionInputs } from "./action-inputs.ts";
import { actionKey, recordActionFailed } from "../status/retry.ts";
import type { ProjectPlan } from "./types.ts";

let fx: Awaited<ReturnType<typeof tempAgency>>;
let templates: Templates;
beforeEach(async () => {
  fx = await tempAgency("mini");
  templates = await loadTemplates();
});
afterEach(() => fx.cleanup());

const file = (...p: string[]) => join(fx.agency, "projects", ...p);
async function planOf(project: string, now?: string): Promise<ProjectPlan> {
  return planAgency(await load(fx.agency), templates, [project], now).projects[0]!;
}
const kinds = (p: ProjectPlan) => p.actions.map((a) => `${a.kind}${a.task ? `:${a.task}` : a.stream ? `:${a.stream}` : ""}`);
async function patchYaml(path: string, change: (doc: Record<string, any>) => void): Promise<void> {
  const doc = parse(await readFile(path, "utf8"));
  change(doc);
  await writeFile(path, stringify(doc));
}

describe("project stages", () => {
  it("needs-plan, autonomous: the PM proposes, decomposes, and the engine approves", async () => {
    const p = await planOf("beta");
    expect(p.stage).toBe("needs-plan");
    expect(kinds(p)).toEqual(["propose-plan", "decompose-plan", "approve-plan"]);
    expect(p.actions[1]!.after).toEqual([p.actions[0]!.id]);
    expect(p.actions.every((a) => a.kind !== "approve-plan" || a.estimate.costUsd === 0)).toBe(true);
  });

  it("needs-plan with approve-plan oversight ends waiting for the Director", async () => {
    await edit(file("beta", "project.yaml"), "oversight: autonomous", "oversight: approve-plan");
    const p = await planOf("beta");
    expect(kinds(p)).toEqual(["propose-plan", "decompose-plan", "await-approval"]);
    expect(p.actions[2]!.agent).toBe("director");
  });

  it("awaiting-approval: a decomposed but unchosen plan only waits", async () => {
    await patchYaml(file("alpha", "plan.yaml"), (d) => {
      delete d.chosen;
      delete d.approval;
    });
    const p = await planOf("alpha");
    expect(p.stage).toBe("awaiting-approval");
    expect(kinds(p)).toEqual(["await-approval"]);
    expect(p.estimate.costUsd).toBe(0);
  });

  it("autonomous oversight takes the recommendation and goes straight on to the tasks", async () => {
    await patchYaml(file("alpha", "plan.yaml"), (d) => {
      delete d.chosen;
      delete d.approval;
    });
    await patchYaml(file("alpha", "project.yaml"), (d) => void (d.oversight = "autonomous"));
    const p = await planOf("alpha");
    expect(p.stage).toBe("running");
    expect(kinds(p)[0]).toBe("approve-plan");
    expect(kinds(p)).toContain("run-task:facts");
  });

  it("a Director choosing another option than the decomposed one needs a new decomposition", async () => {
    await patchYaml(file("alpha", "plan.yaml"), (d) => void (d.chosen = "option-2"));
    const p = await planOf("alpha");
    expect(p.stage).toBe("needs-plan");
    expect(kinds(p)).toEqual(["decompose-plan"]);
    expect(p.actions[0]!.reason).toContain("option-1");
  });

  it("running: every task, its verification, stream checks, merges and the assembly, wired as a DAG", async () => {
    const p = await planOf("alpha");
    expect(p.stage).toBe("running");
    expect(kinds(p)).toEqual([
      "run-task:facts", "verify-task:facts",
      "run-task:competitors", "verify-task:competitors",
      "run-task:glossary", "verify-task:glossary",
      "run-task:draft", "verify-task:draft",
      "run-task:polish", "verify-task:polish",
      "verify-stream:research", "merge-stream:research",
      "verify-stream:docs", "merge-stream:docs",
      "assemble", "review-learning",
    ]);
    const byId = new Map(p.actions.map((a) => [a.id, a]));
    // The L&P Manager reviews the project once its deliverable stands.
    expect(byId.get("review-learning:alpha")).toMatchObject({ agent: "learning", tier: "strong", after: ["assemble:alpha"] });
    expect(byId.get("run-task:alpha/draft")!.after.sort()).toEqual(["verify-task:alpha/competitors", "verify-task:alpha/facts"]);
    expect(byId.get("assemble:alpha")!.after.sort()).toEqual(["merge-stream:alpha/docs", "merge-stream:alpha/research"]);
    // every `after` names an action that exists and comes earlier
    p.actions.forEach((a, i) => a.after.forEach((id) => expect(p.actions.findIndex((b) => b.id === id)).toBeLessThan(i)));
  });

  it("routes tiers from scores, pins and role preferences, and prices each call", async () => {
    const p = await planOf("alpha");
    const run = (t: string) => p.actions.find((a) => a.kind === "run-task" && a.task === t)!;
    expect(run("competitors")).toMatchObject({ tier: "strong", model: "big-model", routing: "score 4.00 ≥ 3.5 → strong" });
    expect(run("polish")).toMatchObject({ tier: "strong", routing: "pinned to strong by the plan" });
    expect(run("facts")).toMatchObject({ tier: "fast", routing: "no scores; role researcher prefers fast" });
    const e = run("competitors").estimate;
    expect(e.costUsd).toBeCloseTo((e.inputTokens * 10 + e.outputTokens * 20) / 1e6, 6);
    expect(p.estimate.costUsd).toBeCloseTo(p.actions.reduce((s, a) => s + a.estimate.costUsd, 0), 6);
  });

  it("in-review: verified but unmerged streams are merged without a new check", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => delete d.streams.docs.accepted);
    const p = await planOf("alpha");
    expect(p.stage).toBe("in-review");
    expect(kinds(p)).toEqual(["merge-stream:docs"]);
  });

  it("in-review with review-streams oversight waits for a person and does not assemble", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "project.yaml"), (d) => void (d.oversight = "review-streams"));
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      delete d.streams.docs.accepted;
      delete d.streams.docs.verified;
      delete d.assembly;
    });
    const p = await planOf("alpha");
    expect(p.stage).toBe("in-review");
    expect(kinds(p)).toEqual(["verify-stream:docs", "await-review:docs"]);
  });

  it("assembly: all streams accepted, deliverable not yet assembled", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => delete d.assembly);
    const p = await planOf("alpha");
    expect(p.stage).toBe("assembly");
    expect(kinds(p)).toEqual(["assemble"]);
    expect(p.actions[0]!.tier).toBe("strong");
  });

  it("done: nothing to do", async () => {
    await settle(fx.agency, templates);
    const p = await planOf("alpha");
    expect(p.stage).toBe("done");
    expect(p.actions).toEqual([]);
  });

  it("blocked: a Blocked condition stops all work and says why", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      d.conditions = [{ type: "Blocked", status: "True", reason: "DirectorQuestion", message: "Which market first?" }];
      delete d.assembly;
    });
    const p = await planOf("alpha");
    expect(p.stage).toBe("blocked");
    expect(p.actions).toEqual([]);
    expect(p.summary).toContain("Which market first?");
  });

  it("a task that failed with unchanged inputs waits out its backoff, then is retried, and blocks itself and its downstream once Stalled", async () => {
    await settle(fx.agency, templates);
    await edit(file("alpha", "plan.yaml"), "List competitors.", "List competitors by segment.");
    const fresh = await planOf("alpha");
    const fp = fresh.actions.find((a) => a.task === "competitors" && a.kind === "run-task")!.fingerprint;
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      d.tasks.competitors.failedFingerprint = fp;
      d.tasks.competitors.failures = 1;
      d.tasks.competitors.retryAfter = "2026-12-01T10:05:00Z";
      d.tasks.competitors.conditions = [{ type: "Failed", status: "True", reason: "SchemaViolation", message: "reply broke the schema twice" }];
    });
    // Within the backoff: it and what depends on it wait.
    const waiting = await planOf("alpha", "2026-12-01T10:01:00Z");
    expect(waiting.blocked.map((b) => b.task).sort()).toEqual(["competitors", "draft", "polish"]);
    expect(waiting.blocked.find((b) => b.task === "competitors")!.reason).toMatch(/reply broke the schema twice.*retried after 2026-12-01T10:05:00Z/);
    expect(kinds(waiting)).toEqual([]);
    // After it: retried, and the plan says so.
    const due = await planOf("alpha", "2026-12-01T10:05:00Z");
    expect(due.actions.find((a) => a.kind === "run-task" && a.task === "competitors")!.reason).toMatch(/^retry 2 of 3 after SchemaViolation: reply broke the schema twice/);
    // At the bound: Stalled, whatever the time.
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      d.tasks.competitors.failures = 3;
      delete d.tasks.competitors.retryAfter;
    });
    const p = await planOf("alpha", "2027-01-01T00:00:00Z");
    expect(p.stage).toBe("blocked");
    expect(p.blocked.map((b) => b.task).sort()).toEqual(["competitors", "draft", "polish"]);
    expect(p.blocked.find((b) => b.task === "competitors")!.reason).toMatch(/^stalled after 3 failed attempts .*reply broke the schema twice.*ateams retry alpha competitors/);
    expect(kinds(p)).toEqual([]);
  });

  it("a failure is retried once its inputs change", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => void (d.tasks.glossary.failedFingerprint = "0".repeat(64)));
    await edit(file("alpha", "plan.yaml"), "Define the terms a newcomer meets.", "Define twelve terms a newcomer meets.");
    const p = await planOf("alpha");
    expect(kinds(p)).toContain("run-task:glossary");
    expect(p.blocked).toEqual([]);
  });

  it("escalations recorded in status move the task one tier up", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => void (d.tasks.glossary.escalations = 1));
    const p = await planOf("alpha");
    const run = p.actions.find((a) => a.kind === "run-task" && a.task === "glossary")!;
    expect(run.tier).toBe("strong");
    expect(run.routing).toContain("escalated 1× → strong");
    expect(run.reason).toBe("model tier changed");
  });
});

describe("the L&P Manager's review", () => {
  it("comes once the deliverable stands, at the L&P Manager's tier, and leaves the project done", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => delete d.learning);
    const p = await planOf("alpha");
    expect(p.stage).toBe("done");
    expect(kinds(p)).toEqual(["review-learning"]);
    expect(p.actions[0]).toMatchObject({ agent: "learning", tier: "strong", after: [] });
    expect(p.summary).toContain("the L&P Manager reviews the project");
  });

  it("waits for the streams: no review while work is left before the assembly", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      delete d.learning;
      delete d.streams.docs.accepted;
    });
    expect(kinds(await planOf("alpha"))).toEqual(["merge-stream:docs"]);
  });

  it("is off with learningManager.enabled: false", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => delete d.learning);
    await patchYaml(join(fx.agency, "agency.yaml"), (d) => void (d.learningManager = { ...(d.learningManager ?? {}), enabled: false }));
    expect(kinds(await planOf("alpha"))).toEqual([]);
  });

  it("a failed review waits for its retry without holding or blocking the project", async () => {
    await settle(fx.agency, templates);
    const alpha = (await load(fx.agency)).projects.get("alpha")!;
    const fingerprint = alpha.status!.learning!.fingerprint;
    const failed = recordActionFailed(alpha.status!, actionKey("review-learning", null), { inputs: actionInputs(alpha, "review-learning", fingerprint), reason: "InvalidReply", message: "no", at: "2026-12-04T10:00:00Z" });
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      delete d.learning;
      d.actions = failed.actions;
    });
    const waiting = await planOf("alpha", "2026-12-04T10:01:00Z");
    expect(kinds(waiting)).toEqual([]);
    expect(waiting.stage).toBe("done");
    expect(kinds(await planOf("alpha", "2026-12-04T11:00:00Z"))).toEqual(["review-learning"]);
  });
});

describe("lessons learned after a task finished", () => {
  it("list the task for the Director without redoing it", async () => {
    await settle(fx.agency, templates);
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      for (const t of Object.values(d.tasks) as Record<string, unknown>[]) t.roleVersion = "00000000";
    });
    const p = await planOf("alpha");
    expect(p.actions).toEqual([]);
    const roles = new Map((await load(fx.agency)).projects.get("alpha")!.plan!.streams!.flatMap((s) => s.tasks.map((t) => [t.id, t.role] as const)));
    expect(p.taughtSince).toEqual([...roles].map(([task, role]) => ({ task, role })));
    const { renderTable } = await import("./render-table.ts");
    expect(renderTable({ projects: [p], totals: { ...p.estimate, actions: 0, llmCalls: 0 } })).toContain("has new lessons since");
    // Recorded under the current version: nothing to list.
    const model = await load(fx.agency);
    await patchYaml(file("alpha", "status.yaml"), (d) => {
      for (const [id, t] of Object.entries(d.tasks) as [string, Record<string, unknown>][]) t.roleVersion = roleVersion(model, roles.get(id)!);
    });
    expect((await planOf("alpha")).taughtSince).toEqual([]);
  });
});
