// Token usage and what it costs: one shape and one formula for every model call, plan estimate, budget and
// status.yaml record. `Usage` is status.yaml's shape (schemas/status.schema.json, generated into types.gen.ts);
// prices are per million tokens, as providers and agency.yaml's tiers state them.
import type { Price, Usage } from "./types.gen.ts";

export type { Price, Usage };

/** The tokens one model call reports (or a plan estimates). */
export interface TokenCount {
  inputTokens: number;
  outputTokens: number;
}

/** Tokens and their cost, without a call count: what a budget is charged and a plan estimates. */
export type Spend = TokenCount & { costUsd: number };

/** Usage with every field counted: what a call, an action or a run adds up before status.yaml records it. */
export type UsageTotals = Required<Usage>;

export const emptyUsage = (): UsageTotals => ({ calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });

/** A record's usage with every field counted (status.yaml leaves out what is zero). */
export const usageTotals = (u: Usage | undefined): UsageTotals => ({ calls: u?.calls ?? 0, inputTokens: u?.inputTokens ?? 0, outputTokens: u?.outputTokens ?? 0, costUsd: u?.costUsd ?? 0 });

export function costOf(tokens: TokenCount, price: Price): number {
  return (tokens.inputTokens * price.inputPerMTok + tokens.outputTokens * price.outputPerMTok) / 1e6;
}

/** Adds one real model call (not one served from the cache) to a running total; returns what it cost. */
export function addCall(total: UsageTotals, tokens: TokenCount, price: Price): number {
  const cost = costOf(tokens, price);
  total.calls += 1;
  total.inputTokens += tokens.inputTokens;
  total.outputTokens += tokens.outputTokens;
  total.costUsd += cost;
  return cost;
}

/** The sum of two records, cost rounded to a millionth of a dollar so status.yaml does not churn on float noise. */
export function addUsage(a: Usage | undefined, b: Usage): UsageTotals {
  return {
    calls: (a?.calls ?? 0) + (b.calls ?? 0),
    inputTokens: (a?.inputTokens ?? 0) + (b.inputTokens ?? 0),
    outputTokens: (a?.outputTokens ?? 0) + (b.outputTokens ?? 0),
    costUsd: Math.round(((a?.costUsd ?? 0) + (b.costUsd ?? 0)) * 1e6) / 1e6,
  };
}

export function formatTokens(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function formatUsd(n: number): string {
  return n === 0 ? "$0" : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}
