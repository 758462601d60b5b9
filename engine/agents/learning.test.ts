import { expect, it } from "vitest";
import type { LearningReviewReply } from "../agency/types.gen.ts";
import { supportedOnly, unquotedEvidence } from "./learning.ts";
import { learningReviewSchema } from "./reply-schemas.ts";

const EVIDENCE = "## Role writer\nTasks:\n- write-up (report): accepted after 2 round(s)\n  - Collaborator: Cite the source   of every price.\n";
const reply = (quotes: string[][]): LearningReviewReply => ({
  analysis: "ok",
  scores: [{ role: "writer", score: 3, rationale: "one revision" }],
  lessons: quotes.map((q, i) => ({ role: "writer", lesson: `lesson ${i}`, evidence: q as [string, ...string[]] })),
  roleEdits: [{ role: "writer", field: "expectations.output", add: "Sources", evidence: ["not in the evidence"] }],
});

it("holds each quote to the evidence given, ignoring case and spacing", () => {
  const r = reply([["cite the source of every price."], ["Cite the source", "made up"]]);
  expect(unquotedEvidence(r, EVIDENCE)).toEqual([
    'lessons[1] (writer): the evidence "made up" is not in the evidence given; quote it word for word or drop the proposal',
    'roleEdits[0] (writer expectations.output): the evidence "not in the evidence" is not in the evidence given; quote it word for word or drop the proposal',
  ]);
  const kept = supportedOnly(r, EVIDENCE);
  expect(kept.dropped).toBe(2);
  expect(kept.reply.lessons.map((l) => l.lesson)).toEqual(["lesson 0"]);
  expect(kept.reply.roleEdits).toEqual([]);
  expect(kept.reply.scores).toEqual(r.scores);
});

it("asks only about the roles that worked on the project, and bounds the proposals", () => {
  const s = learningReviewSchema(["researcher", "writer"]) as { properties: Record<string, { maxItems?: number; items: { properties: Record<string, { enum?: string[]; maxItems?: number }> } }> };
  for (const list of ["scores", "lessons", "roleEdits"]) expect(s.properties[list]!.items.properties.role!.enum).toEqual(["researcher", "writer"]);
  expect(s.properties.scores!.maxItems).toBe(2);
  expect(s.properties.lessons!.maxItems).toBe(10);
  expect(s.properties.lessons!.items.properties.evidence!.maxItems).toBe(5);
});
