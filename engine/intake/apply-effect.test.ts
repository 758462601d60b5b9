import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Status } from "../agency/types.gen.ts";
import { applyEffect, type EffectEnv, type EffectState } from "./apply-effect.ts";

const env: EffectEnv = { at: "2026-11-25T12:00:00Z", by: "octocat", memoryPath: (r) => `agency/memory/roles/${r}.yaml`, memorySchemaRef: () => "../../../schemas/memory.schema.json", statusReply: (p) => `status of ${p}`, helpReply: () => "help text" };
const streams = (s: string) => (s === "docs" ? ["draft", "polish"] : ["facts"]);
const failed: Status = {
  project: "alpha",
  tasks: {
    draft: { fingerprint: "a".repeat(64), failedFingerprint: "b".repeat(64), conditions: [{ type: "Failed", status: "True", reason: "InvalidReply" }, { type: "Ready", status: "True", reason: "Succeeded" }] },
    polish: { fingerprint: "c".repeat(64) },
  },
};
const state = (status: Status, planText?: string): EffectState => ({ status, memory: new Map(), ...(planText ? { planText } : {}) });
const PLAN = "# comment kept\nproject: alpha\noptions:\n  - id: option-1\n  - id: option-2\nrecommended: option-1\n";

describe("applying command effects", () => {
  it("/retry clears the failure of the failed tasks only, and refuses when nothing failed", () => {
    const r = applyEffect(state(failed), { type: "retry", project: "alpha", stream: "docs" }, env, streams);
    // Flux's requestedAt handshake: the request is recorded, the failure and the attempt count are cleared.
    expect(r.state.status.tasks!.draft).toEqual({ fingerprint: "a".repeat(64), retryRequestedAt: env.at, conditions: [{ type: "Ready", status: "True", reason: "Succeeded" }] });
    expect(r.state.status.tasks!.polish).toBe(failed.tasks!.polish);
    expect(r.reply).toBe("Retrying `draft`.");
    expect(applyEffect(r.state, { type: "retry", project: "alpha" }, env, streams).refused).toBe("nothing has failed here");
  });

  it("/retry <task> on a finished task asks to redo it; a failed one named is retried as before", () => {
    const done: Status = { project: "alpha", tasks: { polish: { fingerprint: "c".repeat(64), completedAt: "2026-11-20T10:00:00Z" } } };
    const r = applyEffect(state(done), { type: "retry", project: "alpha", task: "polish" }, env, streams);
    expect(r.state.status.tasks!.polish).toEqual({ fingerprint: "c".repeat(64), completedAt: "2026-11-20T10:00:00Z", redoRequestedAt: env.at });
    expect(r.reply).toBe("Redoing `polish` with what its role has learned since; the tasks that read its outputs follow if they change.");
    expect(applyEffect(state(failed), { type: "retry", project: "alpha", task: "draft" }, env, streams).state.status.tasks!.draft!.retryRequestedAt).toBe(env.at);
  });

  it("/retry on the project retries a failed planning step, and clears a Stalled condition too", () => {
    const s: Status = { project: "alpha", conditions: [{ type: "Ready", status: "False", reason: "InvalidReply", message: "decompose-plan: bad" }] };
    const r = applyEffect(state(s), { type: "retry", project: "alpha" }, env, streams);
    expect(r.state.status).toEqual({ project: "alpha", retryRequestedAt: env.at });
    const stalled: Status = { project: "alpha", tasks: { draft: { attempts: 3, conditions: [{ type: "Stalled" as never, status: "True", reason: "RetriesExhausted" }] } } };
    expect(applyEffect(state(stalled), { type: "retry", project: "alpha", task: "draft" }, env, streams).state.status.tasks!.draft).toEqual({ retryRequestedAt: env.at });
    const waiting: Status = { project: "alpha", conditions: [{ type: "Ready", status: "False", reason: "PlanAwaitingApproval" }] };
    expect(applyEffect(state(waiting), { type: "retry", project: "alpha" }, env, streams).refused).toBe("nothing has failed here");
  });

  it("/answer answers the one open question: feedback for the task, failure cleared, project unblocked", () => {
    const blocker = { key: "d".repeat(16), blocker: "which market?", at: env.at, resolution: "ask-director" as const, question: "EU or US?" };
    const s: Status = {
      project: "alpha",
      conditions: [{ type: "Blocked", status: "True", reason: "DirectorInput", message: "draft: EU or US?" }],
      tasks: { draft: { failedFingerprint: "b".repeat(64), blockers: [blocker], conditions: [{ type: "Failed", status: "True", reason: "Blocked" }] } },
    };
    const e = { type: "answer" as const, project: "alpha", text: "EU first", by: "octocat", at: env.at, source: "local:1" };
    const r = applyEffect(state(s), e, env, streams);
    expect(r.reply).toBe("Answered `draft`: it resumes with your answer.");
    expect(r.state.status.conditions).toBeUndefined();
    expect(r.state.status.tasks!.draft).toEqual({
      blockers: [{ ...blocker, answer: { by: "octocat", at: env.at, source: "local:1", text: "EU first" } }],
      feedback: [{ by: "octocat", at: env.at, source: "local:1", text: 'Answer to the question "EU or US?": EU first' }],
    });
    expect(applyEffect(r.state, e, env, streams).refused).toBe("no question waits for an answer in project alpha");
    expect(applyEffect(state(s), { ...e, task: "polish" }, env, streams).refused).toBe("task polish has no open question; open: `draft` (EU or US?)");
  });

  it("/escalate climbs one tier and clears the failure", () => {
    const r = applyEffect(state(failed), { type: "escalate", project: "alpha", task: "draft" }, env, streams);
    expect(r.state.status.tasks!.draft).toMatchObject({ escalations: 1 });
    expect(r.state.status.tasks!.draft!.failedFingerprint).toBeUndefined();
  });

  it("/block, /unblock and /cancel set and clear conditions on the project or a stream", () => {
    const blocked = applyEffect(state(failed), { type: "block", project: "alpha", stream: "docs", reason: "wait for legal" }, env, streams);
    expect(blocked.state.status.streams!.docs!.conditions![0]).toMatchObject({ type: "Blocked", reason: "BlockedByDirector", message: "wait for legal" });
    const unblocked = applyEffect(blocked.state, { type: "unblock", project: "alpha", stream: "docs" }, env, streams);
    expect(unblocked.state.status.streams!.docs).toEqual({});
    expect(applyEffect(unblocked.state, { type: "unblock", project: "alpha" }, env, streams).refused).toBe("the project is not blocked");
    const cancelled = applyEffect(state(failed), { type: "cancel", project: "alpha" }, env, streams);
    expect(cancelled.state.status.conditions![0]).toMatchObject({ type: "Blocked", reason: "Cancelled" });
  });

  it("/approve records the choice in plan.yaml, keeping its comments; again is a no-op", () => {
    const r = applyEffect(state({ project: "alpha", conditions: [{ type: "AwaitingApproval", status: "True", reason: "PlanAwaitingApproval" }] }, PLAN), { type: "approve-plan", project: "alpha", option: "option-2" }, env, streams);
    expect(r.state.planText!.startsWith("# comment kept\n")).toBe(true);
    expect(parse(r.state.planText!)).toMatchObject({ chosen: "option-2", approval: { by: "octocat", at: env.at } });
    expect(r.state.status.conditions).toBeUndefined();
    const again = applyEffect(r.state, { type: "approve-plan", project: "alpha", option: "option-2" }, env, streams);
    expect(again.state.planText).toBe(r.state.planText);
    expect(applyEffect(state(failed, PLAN), { type: "approve-plan", project: "alpha", option: "option-9" }, env, streams).refused).toBe("unknown option 'option-9'");
    expect(applyEffect(state(failed), { type: "approve-plan", project: "alpha" }, env, streams).refused).toBe("the project has no plan yet");
  });

  it("/teach adds a lesson to the role's memory once per comment; a near-duplicate from someone else adds a source", () => {
    const effect = { type: "teach" as const, project: "alpha", role: "writer", lesson: "Lead with the customer.", by: "octocat", at: env.at, source: "https://github.com/o/r/pull/1#issuecomment-9" };
    const r = applyEffect(state(failed), effect, env, streams);
    const text = r.state.memory.get("agency/memory/roles/writer.yaml")!;
    expect(parse(text).entries).toEqual([{ id: expect.stringMatching(/^writer-[0-9a-f]{8}$/), kind: "lesson", text: "Lead with the customer.", provenance: [{ by: "@octocat", at: env.at, project: "alpha", source: effect.source }] }]);
    const again = applyEffect(r.state, effect, env, streams);
    expect(again.state.memory.get("agency/memory/roles/writer.yaml")).toBe(text);
    expect(again.reply).toBeUndefined();
    const other = applyEffect(r.state, { ...effect, lesson: "Always lead with the customer!", by: "hubot", source: "https://github.com/o/r/pull/2#issuecomment-3" }, env, streams);
    expect(other.reply).toMatch(/repeats lesson writer-[0-9a-f]{8}, which now names you as a source too/);
    const entries = parse(other.state.memory.get("agency/memory/roles/writer.yaml")!).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0].provenance.map((p: { by: string }) => p.by)).toEqual(["@octocat", "@hubot"]);
  });

  it("effects that need git or a model are deferred untouched", () => {
    const st = state(failed);
    expect(applyEffect(st, { type: "accept-stream", project: "alpha", stream: "docs" }, env, streams)).toEqual({ state: st, deferred: true });
    expect(applyEffect(st, { type: "ask", project: "alpha", role: "writer", question: "why?" }, env, streams).deferred).toBe(true);
  });
});
