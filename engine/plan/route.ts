// Dynamic model selection: the PM's 1-5 scores, weighted by the agency's criteria, pick a tier by threshold.
import type { Agency, Role, Task, Tier } from "../agency/types.gen.ts";

export interface Routing {
  tier: string;
  model: string;
  /** Weighted mean of the criteria scores, when scores decided. */
  score?: number;
  scores?: Record<string, number>;
  /** One line a person can check: why this tier. */
  rule: string;
}

const DEFAULT_SCORE = 3;

export function weightedScore(agency: Agency, scores: Readonly<Record<string, number>>) {
  const used: Record<string, number> = {};
  let sum = 0;
  let weights = 0;
  for (const c of agency.models.routing.criteria) {
    const s = scores[c.id] ?? c.default ?? DEFAULT_SCORE;
    used[c.id] = s;
    sum += s * c.weight;
    weights += c.weight;
  }
  return { score: Math.round((sum / weights) * 100) / 100, scores: used };
}

export function tierForScore(agency: Agency, score: number): { tier: string; minScore: number } {
  const fitting = agency.models.routing.thresholds.filter((t) => t.minScore <= score);
  const best = fitting.reduce((a, b) => (b.minScore > a.minScore ? b : a), fitting[0]!);
  return { tier: best.tier, minScore: best.minScore };
}

/** Escalation climbs the tier list (cheapest first), never past its top. */
export function escalate(agency: Agency, tier: string, steps: number): Tier {
  const tiers = agency.models.tiers;
  const i = Math.max(0, tiers.findIndex((t) => t.id === tier));
  return tiers[Math.min(tiers.length - 1, i + steps)]!;
}

export function routeTask(agency: Agency, task: Task, role: Role | undefined, escalations = 0): Routing {
  let base: string;
  let rule: string;
  let scored: { score: number; scores: Record<string, number> } | undefined;
  if (task.tier) {
    base = task.tier;
    rule = `pinned to ${task.tier} by the plan`;
  } else if (task.scores && Object.keys(task.scores).length > 0) {
    scored = weightedScore(agency, task.scores);
    const t = tierForScore(agency, scored.score);
    base = t.tier;
    rule = `score ${scored.score.toFixed(2)} ≥ ${t.minScore} → ${t.tier}`;
  } else if (role?.preferredTier) {
    base = role.preferredTier;
    rule = `no scores; role ${role.id} prefers ${role.preferredTier}`;
  } else {
    scored = weightedScore(agency, {});
    const t = tierForScore(agency, scored.score);
    base = t.tier;
    rule = `no scores; default score ${scored.score.toFixed(2)} ≥ ${t.minScore} → ${t.tier}`;
  }
  const tier = escalate(agency, base, escalations);
  if (tier.id !== base) rule += `, escalated ${escalations}× → ${tier.id}`;
  return { tier: tier.id, model: tier.model, rule, ...(scored ?? {}) };
}

export function tierById(agency: Agency, id: string): Tier {
  return agency.models.tiers.find((t) => t.id === id)!;
}

/** The PM and L&P Manager default to the strongest tier, Collaborators to the cheapest. */
export function agentTier(agency: Agency, agent: "projectManager" | "collaborator" | "learningManager", override?: string): Tier {
  const tiers = agency.models.tiers;
  const id = override ?? agency[agent]?.tier;
  if (id) return tierById(agency, id);
  return agent === "collaborator" ? tiers[0]! : tiers[tiers.length - 1]!;
}
