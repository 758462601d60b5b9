// Routing that learns, measured on the labelled set bench/fixtures/routing-tasks.yaml (50 tasks, difficulty 1–5):
// each task is routed by the engine (agency.yaml criteria and thresholds, engine/plan/route.ts), each tier's
// outcome is simulated from the task's difficulty (the cheap tier passes easy work at once, needs a revision on
// middling work and escalates hard work after its revision rounds; the strong tier passes all but the hardest at
// once), the outcomes are recorded as the run records them, and the L&P Manager's threshold learning
// (engine/metrics/routing-learn.ts) proposes new thresholds from them. Printed: the share sent to the cheap tier and
// the cost against sending everything to the strong tier, before and after one learning round.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Agency, TaskRecord } from "../engine/agency/types.gen.ts";
import { maxRevisionRounds } from "../engine/agency/settings.ts";
import { costOf } from "../engine/agency/usage.ts";
import { proposeThresholds, withThresholds } from "../engine/metrics/routing-learn.ts";
import { escalate, tierForScore, weightedScore } from "../engine/plan/route.ts";

interface LabelledTask {
  id: string;
  difficulty: number;
  role: string;
  title: string;
  scores: Record<string, number>;
}

export const ROUTING_TASKS = join(import.meta.dirname, "fixtures", "routing-tasks.yaml");

/** Replies a tier needs before its Collaborator accepts, or undefined when its revision rounds cannot get there. */
function roundsNeeded(tierIndex: number, tiers: number, difficulty: number, maxRounds: number): number | undefined {
  const strongest = tierIndex === tiers - 1;
  const easyUpTo = strongest ? 4 : 2; // passes at once
  const reachUpTo = strongest ? 5 : 3; // passes after one revision
  if (difficulty <= easyUpTo) return 1;
  if (difficulty <= reachUpTo) return Math.min(2, maxRounds + 1);
  return undefined;
}

/** Token use of one round as the run spends it: the Specialist's reply (its prompt grows with feedback) and the Collaborator's verdict. */
const SPECIALIST = (round: number) => ({ inputTokens: 2500 + 1500 * (round - 1), outputTokens: 1200 });
const VERDICT = { inputTokens: 2000, outputTokens: 400 };

export function simulate(agency: Agency, tasks: readonly LabelledTask[], forceTier?: string): { records: TaskRecord[]; cheapShare: number; costUsd: number; escalations: number } {
  const tiers = agency.models.tiers;
  const maxRounds = maxRevisionRounds(agency);
  const collaborator = tiers[0]!;
  const records: TaskRecord[] = [];
  let cheap = 0;
  let escalations = 0;
  for (const t of tasks) {
    const { score } = weightedScore(agency, t.scores);
    let tier = forceTier ?? tierForScore(agency, score).tier;
    if (tier === tiers[0]!.id) cheap++;
    for (;;) {
      const i = tiers.findIndex((x) => x.id === tier);
      const need = roundsNeeded(i, tiers.length, t.difficulty, maxRounds);
      const rounds = need ?? maxRounds + 1;
      let cost = 0;
      let input = 0;
      let output = 0;
      for (let r = 1; r <= rounds; r++) {
        const s = SPECIALIST(r);
        cost += costOf(s, tiers[i]!.price) + costOf(VERDICT, collaborator.price);
        input += s.inputTokens + VERDICT.inputTokens;
        output += s.outputTokens + VERDICT.outputTokens;
      }
      const next = escalate(agency, tier, 1).id;
      const outcome = need ? "accepted" : next !== tier ? "escalated" : "failed";
      records.push({ kind: "task", at: "2026-12-04T00:00:00Z", project: "routing-bench", stream: "work", task: t.id, role: t.role, tier, outcome, rounds, score, wallMs: 0, calls: rounds * 2, inputTokens: input, outputTokens: output, costUsd: cost });
      if (outcome !== "escalated") break;
      escalations++;
      tier = next;
    }
  }
  return { records, cheapShare: cheap / tasks.length, costUsd: records.reduce((n, r) => n + r.costUsd, 0), escalations };
}

/** `agency` with the strong tier's threshold at `minScore`: a starting point the learning has to correct. */
function startingAt(agency: Agency, minScore: number): Agency {
  const top = agency.models.tiers[agency.models.tiers.length - 1]!.id;
  return withThresholds(agency, [{ tier: top, to: minScore } as never]);
}

export function runRoutingBenchmark(agency: Agency): boolean {
  const tasks = (parse(readFileSync(ROUTING_TASKS, "utf8")) as { tasks: LabelledTask[] }).tasks;
  const strong = agency.models.tiers[agency.models.tiers.length - 1]!.id;
  const allStrong = simulate(agency, tasks, strong).costUsd;
  const line = (label: string, a: Agency) => {
    const s = simulate(a, tasks);
    const th = a.models.routing.thresholds.map((t) => `${t.tier} ≥ ${t.minScore}`).join(", ");
    console.log(`  ${label.padEnd(9)} ${th.padEnd(22)} cheap tier ${(s.cheapShare * 100).toFixed(0).padStart(3)}% of tasks, ${String(s.escalations).padStart(2)} escalation(s), cost ${(s.costUsd / allStrong).toFixed(3)} of all-on-${strong}`);
    return s;
  };
  console.log(`\n## Routing on ${tasks.length} labelled tasks (bench/fixtures/routing-tasks.yaml), cost against all on ${strong} ($${allStrong.toFixed(4)})`);
  let ok = true;
  const starts: [string, Agency][] = [
    ["agency.yaml's thresholds", agency],
    ["a start that sends too much to the cheap tier", startingAt(agency, 4.5)],
    ["a start that sends too much to the strong tier", startingAt(agency, 2.5)],
  ];
  for (const [label, start] of starts) {
    console.log(`  from ${label}:`);
    const before = line("before", start);
    const proposals = proposeThresholds(start, before.records);
    for (const p of proposals) console.log(`            proposal ${p.tier} ${p.from} → ${p.to}: ${p.why}; ${p.moved} recorded task(s) $${p.costBeforeUsd.toFixed(4)} → ~$${p.costAfterUsd.toFixed(4)}`);
    if (!proposals.length) console.log("            no proposal: the recorded outcomes support these thresholds");
    const after = line("after", withThresholds(start, proposals));
    // A learning round never makes the recorded work dearer without making it escalate less.
    ok &&= after.costUsd <= before.costUsd + 1e-9 || after.escalations < before.escalations;
  }
  return ok;
}
