// Token and cost estimates for planned actions, from prompt sizes and the agency's tier prices.
import type { Agency, Tier } from "../agency/types.gen.ts";
import { costOf, type Spend } from "../agency/usage.ts";

/** A plan's guess at an action's tokens and their cost: the same shape a budget is charged. */
export type Estimate = Spend;

export const ZERO: Estimate = Object.freeze({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

/** ~4 characters per token for English prose: good enough to budget with, and needs no tokenizer. */
export function tokensOf(textOrChars: string | number): number {
  const chars = typeof textOrChars === "number" ? textOrChars : textOrChars.length;
  return Math.ceil(chars / 4);
}

export function estimate(tier: Tier, inputTokens: number, outputTokens: number): Estimate {
  const costUsd = costOf({ inputTokens, outputTokens }, tier.price);
  return { inputTokens, outputTokens, costUsd: Math.round(costUsd * 1e6) / 1e6 };
}

export function addEstimates(a: Estimate, b: Estimate): Estimate {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e6) / 1e6,
  };
}

export function assumptions(agency: Agency) {
  const e = agency.estimates ?? {};
  return {
    outputTokensPerFile: e.outputTokensPerFile ?? 1200,
    planOutputTokens: e.planOutputTokens ?? 4000,
    verdictOutputTokens: e.verdictOutputTokens ?? 400,
    assemblyOutputTokens: e.assemblyOutputTokens ?? 3000,
  };
}
