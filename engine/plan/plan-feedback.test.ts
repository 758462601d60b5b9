// The planner reacts to the Director's /revise on the plan PR (plan.feedback newer than what the PM last proposed
// with) and on the assembly PR (assembly.feedback is part of the assembly fingerprint).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { load, settle, tempAgency } from "../../test/support/agency-fixture.ts";
import { loadTemplates, type Templates } from "../prompts/templates.ts";
import type { Status } from "../agency/types.gen.ts";
import { recordAssemblyFeedback, recordPlanFeedback } from "../status/director-feedback.ts";
import { recordAssembly } from "../status/record.ts";
import { serializeStatus } from "../status/serialize.ts";
import { fingerprintTasks } from "./fingerprint.ts";
import { planAgency } from "./plan.ts";
import { assemblyFingerprint } from "./plan-project.ts";
import { feedbackDigest, planFeedbackPending } from "./plan-feedback.ts";

let fx: Awaited<ReturnType<typeof tempAgency>>;
let templates: Templates;
beforeEach(async () => {
  fx = await tempAgency("mini");
  templates = await loadTemplates();
  await settle(fx.agency, templates);
});
afterEach(() => fx.cleanup());

const statusFile = () => join(fx.agency, "projects", "alpha", "status.yaml");
const readStatus = async (): Promise<Status> => JSON.parse((await readFile(statusFile(), "utf8")).replace(/^#.*\n/gm, ""));
const writeStatus = (s: Status) => writeFile(statusFile(), serializeStatus(s));
const alphaPlan = async () => planAgency(await load(fx.agency), templates, ["alpha"]).projects[0]!;
const kinds = (p: { actions: { kind: string }[] }) => p.actions.map((a) => a.kind);
const shorter = { by: "octocat", at: "2026-11-22T09:00:00Z", source: "https://github.com/acme/agency/pull/1#issuecomment-1", text: "Fewer streams, please." };

describe("the Director's feedback on the plan", () => {
  it("has the PM propose again while it is newer than what the PM proposed with", async () => {
    expect((await alphaPlan()).stage).toBe("done");
    const revised = recordPlanFeedback(await readStatus(), shorter);
    await writeStatus(revised);
    const p = await alphaPlan();
    expect(p.stage).toBe("needs-plan");
    expect(kinds(p)).toEqual(["propose-plan", "decompose-plan", "await-approval"]);
    expect(p.actions[0]!.reason).toBe("the Director asked for changes");

    // Once the PM has proposed with it (the executor records the digest), the plan is followed again.
    await writeStatus({ ...revised, plan: { ...revised.plan, feedbackDigest: feedbackDigest(revised.plan!.feedback)! } });
    expect((await alphaPlan()).stage).toBe("done");
  });

  it("records a comment once, and updates it when its text was edited", async () => {
    const s = await readStatus();
    const once = recordPlanFeedback(s, shorter);
    expect(recordPlanFeedback(once, shorter)).toBe(once);
    const edited = recordPlanFeedback(once, { ...shorter, text: "Fewer streams, and cheaper." });
    expect(edited.plan!.feedback).toEqual([{ ...shorter, text: "Fewer streams, and cheaper." }]);
    expect(planFeedbackPending({ ...edited, plan: { ...edited.plan, feedbackDigest: feedbackDigest(once.plan!.feedback)! } })).toBe(true);
    expect(planFeedbackPending(s)).toBe(false);
  });
});

describe("the Director's feedback on the deliverable", () => {
  it("changes the assembly fingerprint, so the PM assembles again, and survives the next assembly", async () => {
    const model = await load(fx.agency);
    const alpha = model.projects.get("alpha")!;
    const prints = fingerprintTasks(model, alpha, templates);
    const before = assemblyFingerprint(alpha, prints, templates);
    expect(alpha.status!.assembly!.fingerprint).toBe(before);

    const revised = recordAssemblyFeedback(alpha.status!, { ...shorter, at: "2026-11-23T09:00:00Z", text: "Lead with the numbers." })!;
    await writeStatus(revised);
    const p = await alphaPlan();
    // A new deliverable is reviewed again.
    expect(kinds(p)).toEqual(["assemble", "review-learning"]);
    expect(p.actions[0]!.reason).toBe("the Director asked for changes to the deliverable");

    const after = assemblyFingerprint({ ...alpha, status: revised }, prints, templates);
    expect(after).not.toBe(before);
    const reassembled = recordAssembly(revised, after, "2026-11-23T10:00:00Z");
    expect(reassembled.assembly!.feedback).toEqual(revised.assembly!.feedback);
    await writeStatus(reassembled);
    expect((await alphaPlan()).stage).toBe("done");
  });

  it("cannot be given before anything was assembled", () => {
    expect(recordAssemblyFeedback({ project: "alpha" }, shorter)).toBeUndefined();
  });
});
