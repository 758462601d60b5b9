import { expect, it } from "vitest";
import type { LearningReviewReply } from "../agency/types.gen.ts";
import { evidenceCorpus, supportedOnly, unquotedEvidence, type LearningEvidence } from "./learning.ts";
import { learningReviewSchema } from "./reply-schemas.ts";

const EVIDENCE = evidenceCorpus({
  project: "p",
  subject: "the finished project p",
  maxEntries: 40,
  roles: [{ id: "writer", memory: [{ id: "writer-style", text: "Quote the style guide." }], overCap: false, tasks: [{ task: "write-up", stream: "report", outcome: "accepted", rounds: 2, checks: null, cost: "$0", feedback: ["Cite the source   of every price."] }] }],
  people: [{ by: "octocat", about: "the deliverable", text: "Lead with the numbers." }],
  tiers: [],
} satisfies LearningEvidence);
const reply = (quotes: string[][]): LearningReviewReply => ({
  analysis: "ok",
  takeaway: "Plan a sources task first.",
  merges: [],
  observations: [{ for: "collaboration", text: "Share sources early.", evidence: ["made up as well"] }],
  scores: [{ role: "writer", score: 3, rationale: "one revision" }],
  lessons: quotes.map((q, i) => ({ role: "writer", lesson: `lesson ${i}`, evidence: q as [string, ...string[]] })),
  roleEdits: [{ role: "writer", field: "expectations.output", add: "Sources", evidence: ["not in the evidence"] }],
});

it("holds each quote to the evidence given, ignoring case and spacing", () => {
  const r = reply([["cite the source of every price."], ["Lead with the numbers", "made up"], ["Quote the style guide."], ["source"]]);
  const why = "is not a quote of at least 12 characters from what the Collaborator or people said; quote it word for word or drop the proposal";
  expect(unquotedEvidence(r, EVIDENCE)).toEqual([
    `lessons[1] (writer): the evidence "made up" ${why}`,
    // The memory a role carries is part of the prompt, not evidence; nor is a word too short to say anything.
    `lessons[2] (writer): the evidence "Quote the style guide." ${why}`,
    `lessons[3] (writer): the evidence "source" ${why}`,
    `roleEdits[0] (writer expectations.output): the evidence "not in the evidence" ${why}`,
    `observations[0] (collaboration): the evidence "made up as well" ${why}`,
  ]);
  const kept = supportedOnly(r, EVIDENCE);
  expect(kept.dropped).toBe(5);
  expect(kept.reply.lessons.map((l) => l.lesson)).toEqual(["lesson 0"]);
  expect(kept.reply.roleEdits).toEqual([]);
  expect(kept.reply.observations).toEqual([]);
  expect(kept.reply.scores).toEqual(r.scores);
});

it("asks only about the roles that worked on the project, and bounds the proposals", () => {
  const s = learningReviewSchema(["researcher", "writer"]) as { properties: Record<string, { maxItems?: number; items: { properties: Record<string, { enum?: string[]; maxItems?: number }> } }> };
  for (const list of ["scores", "lessons", "roleEdits"]) expect(s.properties[list]!.items.properties.role!.enum).toEqual(["researcher", "writer"]);
  expect(s.properties.scores!.maxItems).toBe(2);
  expect(s.properties.lessons!.maxItems).toBe(10);
  expect(s.properties.lessons!.items.properties.evidence!.maxItems).toBe(5);
});
