// What model calls cost. Prices are per million tokens, as providers and agency.yaml's tiers state them.
// The formula is agency/usage.ts's costOf; this is the meter that sums calls per key.
import type { CompletionResult } from "./types.ts";
import { costOf, type Price, type UsageTotals as Totals } from "../agency/usage.ts";

export type { Price };

export type UsageTotals = Totals & {
  /** Calls served from the cache: counted, but neither their tokens nor any cost. */
  cachedCalls: number;
};

const zero = (): UsageTotals => ({ calls: 0, cachedCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });

/** Accumulates spending across a run, overall and per key (e.g. tier, role or task), for budgets and metrics. */
export class UsageMeter {
  #total = zero();
  #byKey = new Map<string, UsageTotals>();

  /** Adds one call and returns what it cost. Without a price (a free local model) tokens count but cost is 0. */
  record(result: Pick<CompletionResult, "usage" | "cached">, price?: Price, key?: string): number {
    const cost = result.cached || !price ? 0 : costOf(result.usage, price);
    const add = (t: UsageTotals) => {
      t.calls++;
      if (result.cached) {
        t.cachedCalls++;
        return;
      }
      t.inputTokens += result.usage.inputTokens;
      t.outputTokens += result.usage.outputTokens;
      t.costUsd += cost;
    };
    add(this.#total);
    if (key !== undefined) {
      let t = this.#byKey.get(key);
      if (!t) this.#byKey.set(key, (t = zero()));
      add(t);
    }
    return cost;
  }

  get totals(): Readonly<UsageTotals> {
    return { ...this.#total };
  }

  byKey(): ReadonlyMap<string, Readonly<UsageTotals>> {
    return new Map([...this.#byKey].map(([k, t]) => [k, { ...t }]));
  }
}
