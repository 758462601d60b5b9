import { describe, expect, it } from "vitest";
import { UsageMeter } from "./cost.ts";
import { costOf } from "../agency/usage.ts";

const price = { inputPerMTok: 0.15, outputPerMTok: 0.6 };
const call = (inputTokens: number, outputTokens: number, cached = false) => ({ usage: { inputTokens, outputTokens }, cached });

describe("costOf", () => {
  it("prices input and output tokens per million", () => {
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, price)).toBeCloseTo(0.15, 12);
    expect(costOf({ inputTokens: 2000, outputTokens: 500 }, price)).toBeCloseTo(0.0006, 12);
    expect(costOf({ inputTokens: 0, outputTokens: 0 }, price)).toBe(0);
  });
});

describe("UsageMeter", () => {
  it("accumulates calls, tokens and cost overall and per key, and charges nothing for cache hits", () => {
    const meter = new UsageMeter();
    expect(meter.record(call(2000, 500), price, "fast")).toBeCloseTo(0.0006, 12);
    meter.record(call(1_000_000, 1_000_000), { inputPerMTok: 2.5, outputPerMTok: 10 }, "strong");
    expect(meter.record(call(9999, 9999, true), price, "fast")).toBe(0);
    meter.record(call(100, 100)); // a free local model: tokens count, cost does not
    expect(meter.totals).toEqual({
      calls: 4,
      cachedCalls: 1,
      inputTokens: 1_002_100,
      outputTokens: 1_000_600,
      costUsd: expect.closeTo(12.5006, 10),
    });
    expect(meter.byKey().get("fast")).toEqual({ calls: 2, cachedCalls: 1, inputTokens: 2000, outputTokens: 500, costUsd: expect.closeTo(0.0006, 12) });
    expect(meter.byKey().get("strong")?.costUsd).toBeCloseTo(12.5, 10);
  });

  it("hands out copies, so a reader cannot change the books", () => {
    const meter = new UsageMeter();
    meter.record(call(10, 10), price);
    (meter.totals as { calls: number }).calls = 99;
    expect(meter.totals.calls).toBe(1);
  });
});
