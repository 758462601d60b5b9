import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { load, settle, tempAgency } from "../../test/support/agency-fixture.ts";
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { planAgency } from "../plan/plan.ts";
import { loadTemplates, type Templates } from "../prompts/templates.ts";
import { assemblyPrBody, githubLinks, planPrBody, statusCommentBody, streamPrBody } from "./pr-bodies.ts";
import { formatPrMeta, parsePrMeta, statusMarker } from "./pr-meta.ts";

let fx: Awaited<ReturnType<typeof tempAgency>>;
let templates: Templates;
beforeEach(async () => {
  fx = await tempAgency("mini");
  templates = await loadTemplates();
});
afterEach(() => fx.cleanup());

describe("PR metadata", () => {
  it("round-trips through a body and ignores bodies without it", () => {
    const meta = { project: "alpha", kind: "stream" as const, stream: "docs", fingerprint: "abc" };
    expect(parsePrMeta(`hello\n\n${formatPrMeta(meta)}\n`)).toEqual(meta);
    expect(parsePrMeta("no marker")).toBeUndefined();
    expect(parsePrMeta("<!-- ateams:pr {broken -->")).toBeUndefined();
    expect(parsePrMeta('<!-- ateams:pr {"project":"a","kind":"other"} -->')).toBeUndefined();
  });
});

describe("PR bodies", () => {
  it("plan PR: every option with pros and cons, the recommendation, a Mermaid graph and how to approve", async () => {
    const model = await load(fx.agency);
    const project = model.projects.get("alpha")!;
    const planned = planAgency(model, templates, ["alpha"]).projects[0]!;
    const body = planPrBody(templates, model, project, planned, fingerprintTasks(model, project, templates), { project: "alpha", kind: "plan" });
    expect(body).toContain("#### ⭐ `option-1` — Quick (recommended)");
    expect(body).toContain("#### `option-2` — Deep");
    expect(body).toContain("| cheap | shallow |");
    expect(body).toContain("```mermaid\nflowchart LR");
    expect(body).toContain("alpha__facts --> alpha__draft");
    expect(body).toContain("| docs | `polish` Polish | writer | strong | `draft` |");
    expect(body).toContain("comment `/approve option-1` or `/approve option-2`");
    expect(parsePrMeta(body)).toEqual({ project: "alpha", kind: "plan" });
  });

  it("stream PR: criteria checklist, task table with model, tokens and cost, links to work logs", async () => {
    await settle(fx.agency, templates);
    const model = await load(fx.agency);
    const project = model.projects.get("alpha")!;
    const stream = project.plan!.streams![1]!;
    const links = githubLinks("https://github.com", "acme/agency");
    const body = streamPrBody(templates, project, stream, "ateams/alpha/docs", links, { project: "alpha", kind: "stream", stream: "docs", fingerprint: project.status!.streams!.docs!.verified!.fingerprint });
    expect(body).toContain("- [x] Readable");
    expect(body).toMatch(/\| `draft` Draft \| writer \| small-model \| — \| — \| ✓ done \|/);
    expect(body).toContain("[writer](https://github.com/acme/agency/blob/ateams/alpha/docs/agency/projects/alpha/log/docs/writer.md)");
    const unverified = streamPrBody(templates, project, stream, "b", links, { project: "alpha", kind: "stream", stream: "docs", fingerprint: "other" });
    expect(unverified).toContain("- [ ] Readable");
  });

  it("assembly PR mentions the Director; the status comment carries its marker and blocked tasks", async () => {
    const model = await load(fx.agency);
    const project = model.projects.get("alpha")!;
    const body = assemblyPrBody(templates, model, project, { text: "All done.", openQuestions: ["Ship on Monday?"] }, { project: "alpha", kind: "assembly" });
    expect(body).toContain("@octocat");
    expect(body).toContain("- Ship on Monday?");
    const planned = planAgency(model, templates, ["alpha"]).projects[0]!;
    const comment = statusCommentBody(templates, "alpha:docs", planned, "2026-11-25T12:00:00Z", { stream: "docs" });
    expect(comment.startsWith(statusMarker("alpha:docs"))).toBe(true);
    expect(comment).toContain("| ⏳ | draft | run-task |");
    expect(comment).not.toContain("| facts |");
  });
});
