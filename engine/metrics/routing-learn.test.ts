import { expect, it } from "vitest";
import type { Agency, TaskRecord } from "../agency/types.gen.ts";
import { proposeThresholds, withThresholds } from "./routing-learn.ts";

const agency = {
  name: "a",
  directors: [{ id: "d", github: "d" }],
  models: {
    tiers: [
      { id: "fast", model: "small", price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
      { id: "strong", model: "large", price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
    ],
    routing: { criteria: [{ id: "reasoning", weight: 1 }], thresholds: [{ tier: "fast", minScore: 1 }, { tier: "strong", minScore: 3.5 }] },
  },
} as unknown as Agency;

let n = 0;
const attempt = (score: number, tier: string, outcome: TaskRecord["outcome"], rounds = 1, task = `t${++n}`): TaskRecord => ({
  kind: "task", at: "2026-12-04T00:00:00Z", project: "p", stream: "s", task, role: "writer", tier, outcome, rounds, score, wallMs: 1, calls: rounds * 2, inputTokens: 4000 * rounds, outputTokens: 1500 * rounds, costUsd: tier === "fast" ? 0.0015 * rounds : 0.025 * rounds,
});
const escalatedTask = (score: number) => {
  const task = `t${++n}`;
  return [attempt(score, "fast", "escalated", 3, task), attempt(score, "strong", "accepted", 1, task)];
};

it("lowers a threshold a step where the cheaper tier's work below it keeps escalating, pricing the move from the record", () => {
  const records = [...[2.6, 2.9, 3.1, 3.3].flatMap(escalatedTask), attempt(2.7, "fast", "accepted", 2), attempt(3.2, "fast", "accepted", 1)];
  const [p] = proposeThresholds(agency, records);
  expect(p).toMatchObject({ tier: "strong", from: 3.5, to: 3, evidence: { tier: "fast", band: [2.5, 3.5], attempts: 6, accepted: 2, escalated: 4, acceptance: 0.33 }, moved: 3 });
  // The two escalated tasks at 3.1 and 3.3 keep only their strong attempt ($0.025 each, not $0.0295); the one passed
  // at 3.2 is priced on strong. Here that costs more than it saves: the proposal trades money for escalations, and
  // says so.
  expect([p!.costBeforeUsd, p!.costAfterUsd]).toEqual([0.0605, 0.075]);
  expect(withThresholds(agency, [p!]).models.routing.thresholds).toEqual([{ tier: "fast", minScore: 1 }, { tier: "strong", minScore: 3 }]);
});

it("raises a threshold a step only when the cheaper tier passed the band at the first round, and only if it saves", () => {
  const easy = [2.6, 2.8, 3.0, 3.2, 3.4].map((s) => attempt(s, "fast", "accepted", 1));
  const above = [3.6, 3.8].map((s) => attempt(s, "strong", "accepted", 1));
  expect(proposeThresholds(agency, [...easy, ...above])).toMatchObject([{ tier: "strong", from: 3.5, to: 4, moved: 2, evidence: { acceptedFirstRound: 5 } }]);
  // Passed, but each after a revision: the cheaper tier is at its limit here; nothing moves.
  const strained = [2.6, 2.8, 3.0, 3.2, 3.4].map((s) => attempt(s, "fast", "accepted", 2));
  expect(proposeThresholds(agency, [...strained, ...above])).toEqual([]);
  // Nothing above the threshold on record: nothing to move.
  expect(proposeThresholds(agency, easy)).toEqual([]);
});

it("never moves a threshold onto or past its neighbour's", () => {
  const tight = withThresholds(agency, [{ tier: "strong", to: 1.5 } as never]);
  expect(proposeThresholds(tight, [1.1, 1.2, 1.3, 1.4, 1.45].flatMap(escalatedTask))).toEqual([]);
  const three = { ...agency, models: { ...agency.models, tiers: [...agency.models.tiers, { id: "max", model: "huge", price: { inputPerMTok: 20, outputPerMTok: 80 } }], routing: { ...agency.models.routing, thresholds: [...agency.models.routing.thresholds, { tier: "max", minScore: 3.9 }] } } } as unknown as Agency;
  const easy = [2.6, 2.8, 3.0, 3.2, 3.4].map((s) => attempt(s, "fast", "accepted", 1));
  // Up a step would be 4.0, past max's 3.9: nothing.
  expect(proposeThresholds(three, [...easy, attempt(3.6, "strong", "accepted", 1)])).toEqual([]);
});

it("says nothing on too little evidence, and ignores tasks routed without a score (pinned or by role)", () => {
  expect(proposeThresholds(agency, [2.9, 3.1, 3.3].flatMap(escalatedTask))).toEqual([]);
  const unscored = [2.6, 2.9, 3.1, 3.3, 3.4].flatMap(escalatedTask).map(({ score: _s, ...r }) => r as TaskRecord);
  expect(proposeThresholds(agency, unscored)).toEqual([]);
});
