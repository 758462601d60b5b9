import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { load, REPO_ROOT } from "../../test/support/agency-fixture.ts";
import { loadTemplates } from "../prompts/templates.ts";
import { planAgency } from "./plan.ts";
import { startableWork, streamMatrix, streamWork } from "./stream-work.ts";

const examplePlan = async () => planAgency(await load(join(REPO_ROOT, "agency")), await loadTemplates());

describe("streamWork on the example agency", () => {
  it("gives a job only to streams whose work can start now; the rest say what they wait on", async () => {
    const plan = await examplePlan();
    // pricing-study has no plan yet (its work is the PM's, in the reconcile); launch-kit's research and docs can start.
    expect(streamMatrix(plan)).toEqual({ include: [{ project: "launch-kit", stream: "research" }, { project: "launch-kit", stream: "docs" }] });
    const byStream = new Map(streamWork(plan).map((w) => [w.stream, w]));
    // positioning waits only on research's own tasks: the research job gets to it.
    expect(byStream.get("research")!.startable.map((a) => a.task)).toEqual(["market-scan", "audience-profiles", "positioning"]);
    expect(byStream.get("research")!.waiting).toEqual([]);
    expect(byStream.get("docs")!.startable.map((a) => a.task)).toEqual(["quickstart"]);
    expect(byStream.get("docs")!.waiting).toEqual([{ task: "faq", on: ["research/audience-profiles"] }]);
    expect(byStream.get("content")!.startable).toEqual([]);
    expect(byStream.get("content")!.waiting[0]).toEqual({ task: "landing-copy", on: ["research/positioning"] });
    // Through an earlier task of its own stream: launch-checklist waits on what launch-review waits on outside.
    const site = byStream.get("site")!;
    expect(site.startable).toEqual([]);
    expect(site.waiting.map((w) => w.task)).toEqual(["landing-page", "launch-review", "launch-checklist"]);
    expect(site.waiting[0]!.on).toEqual(["content/copy-edit"]);
    expect(new Set(site.waiting[2]!.on)).toEqual(new Set(site.waiting[1]!.on));
    expect(site.waiting[1]!.on).toEqual(expect.arrayContaining(["research/market-scan", "docs/quickstart", "content/copy-edit"]));
    expect(site.waiting[1]!.on).not.toContain("site/landing-page");
  });

  it("names each startable task with its fingerprint, so the same task with other inputs counts as other work", async () => {
    const plan = await examplePlan();
    const work = startableWork(plan);
    expect(work.map((w) => w.split("@")[0])).toEqual(["launch-kit/market-scan", "launch-kit/audience-profiles", "launch-kit/positioning", "launch-kit/quickstart"]);
    for (const w of work) expect(w).toMatch(/@[0-9a-f]{8,}$/);
  });

  it("a plan not yet approved gives no stream a job", async () => {
    const plan = await examplePlan();
    const project = plan.projects.find((p) => p.id === "launch-kit")!;
    const gate = { ...project.actions[0]!, id: "await-approval:launch-kit", kind: "await-approval" as const, stream: null, task: null, fingerprint: null, after: [] };
    const gated = { ...plan, projects: [{ ...project, actions: [gate, ...project.actions.map((a) => (a.after.length ? a : { ...a, after: [gate.id] }))] }] };
    expect(streamMatrix(gated)).toEqual({ include: [] });
    expect(streamWork(gated).find((w) => w.stream === "docs")!.waiting[0]).toEqual({ task: "quickstart", on: ["await-approval"] });
  });
});
