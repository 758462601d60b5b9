// Routing that learns from outcomes: where the cheaper tier's work keeps being escalated just below a threshold, the
// threshold comes down a step; where the cheaper tier passes nearly everything just below it at the first round (no
// revision: it has headroom), it goes up a step. Revisions near the threshold mean the cheaper tier is at its limit,
// and the threshold stays. The tasks a step would move are priced from what they cost. Pure: the agency's thresholds and task records in,
// proposals out, each with the evidence it rests on and the saving it expects on the recorded work.
import { costOf, type TokenCount } from "../agency/usage.ts";
import type { Agency, TaskRecord } from "../agency/types.gen.ts";

export interface LearnOptions {
  /** Acceptance (without escalation) the cheaper tier must keep near its threshold; to go up, at the first round. */
  targetAcceptance: number;
  /** Tasks needed in the band before it says anything. */
  minEvidence: number;
  /** Width of the score band below a threshold whose outcomes are judged. */
  band: number;
  /** How far one proposal moves a threshold. */
  step: number;
}

export const LEARN_DEFAULTS: LearnOptions = { targetAcceptance: 0.8, minEvidence: 5, band: 1, step: 0.5 };

export interface ThresholdProposal {
  tier: string;
  from: number;
  to: number;
  /** The band judged and what the cheaper tier did in it. */
  evidence: { tier: string; band: [number, number]; attempts: number; accepted: number; acceptedFirstRound: number; escalated: number; acceptance: number };
  /** Tasks on record whose tier the change moves. */
  moved: number;
  /** Recorded cost of those tasks, and what they would cost under the new threshold (estimated), in US dollars. */
  costBeforeUsd: number;
  costAfterUsd: number;
  why: string;
}

/** One task's route and outcome, from its attempts: the tier it started on, whether that tier accepted it, all it cost. */
interface TaskOutcome {
  key: string;
  score: number;
  /** The tier it started on, and how that attempt went. */
  first: string;
  accepted: boolean;
  firstRound: boolean;
  escalated: boolean;
  /** Everything the task cost, and the cost and tokens of its attempts after the first (an escalation's). */
  costUsd: number;
  laterCostUsd: number;
  /** Tokens of the first attempt: what a move to another tier is priced from. */
  tokens: TokenCount;
}

function outcomes(records: readonly TaskRecord[]): TaskOutcome[] {
  const byTask = new Map<string, TaskRecord[]>();
  for (const r of records) if (r.score !== undefined && r.outcome !== "blocked") byTask.set(`${r.project}/${r.task}`, [...(byTask.get(`${r.project}/${r.task}`) ?? []), r]);
  return [...byTask].map(([key, unordered]) => {
    // Files are read project file first, then each stream's: the attempts' own times say which came first.
    const rs = [...unordered].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const first = rs[0]!;
    return {
      key,
      score: first.score!,
      first: first.tier,
      accepted: first.outcome === "accepted",
      firstRound: first.outcome === "accepted" && first.rounds === 1,
      escalated: first.outcome === "escalated",
      costUsd: rs.reduce((n, r) => n + r.costUsd, 0),
      laterCostUsd: rs.slice(1).reduce((n, r) => n + r.costUsd, 0),
      tokens: { inputTokens: first.inputTokens, outputTokens: first.outputTokens },
    };
  });
}

const priceOf = (agency: Agency, tier: string, t: TokenCount) => {
  const p = agency.models.tiers.find((x) => x.id === tier)?.price;
  return p ? costOf(t, p) : 0;
};

const round2 = (x: number) => Math.round(x * 100) / 100;
const usd = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Thresholds of adjacent tiers (cheapest first), each with the tier below it and the room it may move in: strictly
 * above the lower tier's threshold and below the next one up, so a proposal never merges two tiers or reorders them.
 */
function boundaries(agency: Agency): { lower: string; upper: string; at: number; above: number; below: number }[] {
  const order = agency.models.tiers.map((t) => t.id);
  const th = [...agency.models.routing.thresholds].sort((a, b) => order.indexOf(a.tier) - order.indexOf(b.tier));
  return th.slice(1).map((t, i) => ({ lower: th[i]!.tier, upper: t.tier, at: t.minScore, above: th[i]!.minScore, below: th[i + 2]?.minScore ?? Infinity }));
}

export function proposeThresholds(agency: Agency, records: readonly TaskRecord[], opts: LearnOptions = LEARN_DEFAULTS): ThresholdProposal[] {
  const tasks = outcomes(records);
  const out: ThresholdProposal[] = [];
  for (const b of boundaries(agency)) {
    const band = tasks.filter((t) => t.first === b.lower && t.score < b.at && t.score >= b.at - opts.band);
    if (band.length < opts.minEvidence) continue;
    const accepted = band.filter((t) => t.accepted).length;
    const acceptedFirstRound = band.filter((t) => t.firstRound).length;
    const escalated = band.filter((t) => t.escalated).length;
    const acceptance = accepted / band.length;
    const evidence = { tier: b.lower, band: [round2(b.at - opts.band), b.at] as [number, number], attempts: band.length, accepted, acceptedFirstRound, escalated, acceptance: round2(acceptance) };
    if (acceptance < opts.targetAcceptance) {
      // Down a step: the tasks of the top of the band start on the upper tier. An escalated one already shows what
      // that costs; one the cheaper tier passed is priced at its first attempt's tokens.
      const to = round2(b.at - opts.step);
      if (to <= b.above) continue;
      const moved = band.filter((t) => t.score >= to);
      const before = moved.reduce((n, t) => n + t.costUsd, 0);
      const after = moved.reduce((n, t) => n + (t.escalated ? t.laterCostUsd : priceOf(agency, b.upper, t.tokens)), 0);
      out.push({ tier: b.upper, from: b.at, to, evidence, moved: moved.length, costBeforeUsd: usd(before), costAfterUsd: usd(after), why: `${b.lower} passed ${accepted} of ${band.length} tasks scored ${evidence.band[0]}–${b.at} without escalation (target ${opts.targetAcceptance}): start the top of that band on ${b.upper}` });
    } else if (acceptedFirstRound / band.length >= opts.targetAcceptance) {
      // Up a step: the upper tier's tasks just above move down, expected to pass as often as the band did; those
      // that would not pay for a cheaper attempt and then what they cost on the upper tier.
      const to = round2(b.at + opts.step);
      if (to >= b.below || to > 5) continue;
      const moved = tasks.filter((t) => t.first === b.upper && t.score >= b.at && t.score < to);
      if (!moved.length) continue;
      const before = moved.reduce((n, t) => n + t.costUsd, 0);
      const after = moved.reduce((n, t) => n + priceOf(agency, b.lower, t.tokens) + (1 - acceptance) * t.costUsd, 0);
      if (after >= before) continue;
      out.push({ tier: b.upper, from: b.at, to, evidence, moved: moved.length, costBeforeUsd: usd(before), costAfterUsd: usd(after), why: `${b.lower} passed ${acceptedFirstRound} of ${band.length} tasks scored ${evidence.band[0]}–${b.at} at the first round: it has headroom for the ${moved.length} task(s) scored ${b.at}–${to}` });
    }
  }
  return out;
}

/** The agency with the proposals' thresholds applied. */
export function withThresholds(agency: Agency, proposals: readonly ThresholdProposal[]): Agency {
  const to = new Map(proposals.map((p) => [p.tier, p.to]));
  return { ...agency, models: { ...agency.models, routing: { ...agency.models.routing, thresholds: agency.models.routing.thresholds.map((t) => (to.has(t.tier) ? { ...t, minScore: to.get(t.tier)! } : t)) as Agency["models"]["routing"]["thresholds"] } } };
}
