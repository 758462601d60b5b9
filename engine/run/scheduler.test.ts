import { describe, expect, it } from "vitest";
import { schedule } from "./scheduler.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * A toy planner: each action has prerequisites; a plan is a snapshot of what was done when it was made, as the real
 * one is a snapshot of files and refs.
 */
function world(deps: Record<string, string[]>) {
  const done = new Set<string>();
  let snapshot = new Set<string>();
  const started: string[] = [];
  return {
    done,
    started,
    startable: () => Object.keys(deps).filter((id) => !snapshot.has(id) && !started.includes(id) && deps[id]!.every((d) => snapshot.has(d))).map((id) => ({ id })),
    snap: () => void (snapshot = new Set(done)),
  };
}

describe("schedule", () => {
  it("plans again at once when an action finished while the last plan was being made", async () => {
    // `slow` is in flight the whole time; `b` finishes while the plan after `a` is being made, so that plan does not
    // know it yet. `c` (after b) must start without waiting for `slow`.
    const w = world({ a: [], b: [], slow: [], c: ["b"] });
    const release = { a: deferred(), b: deferred(), slow: deferred(), c: deferred() };
    const firstReplan = deferred();
    let replans = 0;
    const run = schedule({
      concurrency: 10,
      startable: w.startable,
      execute: async ({ id }) => {
        w.started.push(id);
        await release[id as keyof typeof release].promise;
        w.done.add(id);
      },
      replan: async () => {
        w.snap();
        if (++replans === 1) await firstReplan.promise;
      },
    });
    await tick();
    expect(w.started).toEqual(["a", "b", "slow"]);
    release.a.resolve();
    await tick(); // first re-plan begins, sees only `a` done, and hangs
    release.b.resolve();
    await tick();
    firstReplan.resolve();
    await tick();
    await tick();
    expect(w.started).toContain("c");
    release.c.resolve();
    release.slow.resolve();
    await run;
    expect([...w.done].sort()).toEqual(["a", "b", "c", "slow"]);
  });

  it("never runs more than the concurrency limit, and drains everything", async () => {
    const w = world(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`t${i}`, i >= 4 ? [`t${i - 4}`] : []])));
    let running = 0;
    let peak = 0;
    await schedule({
      concurrency: 3,
      startable: w.startable,
      execute: async ({ id }) => {
        w.started.push(id);
        peak = Math.max(peak, ++running);
        await tick();
        running--;
        w.done.add(id);
      },
      replan: async () => w.snap(),
    });
    expect(peak).toBe(3);
    expect(w.done.size).toBe(12);
  });

  it("a failing action counts as finished; a failing re-plan stops after in-flight work settles", async () => {
    const w = world({ bad: [], next: ["bad"], long: [] });
    const finished: string[] = [];
    let replans = 0;
    await expect(
      schedule({
        concurrency: 4,
        startable: w.startable,
        execute: async ({ id }) => {
          w.started.push(id);
          if (id === "bad") {
            w.done.add(id);
            throw new Error("boom");
          }
          await new Promise((r) => setTimeout(r, 20));
          finished.push(id);
          w.done.add(id);
        },
        replan: async () => {
          w.snap();
          if (++replans === 2) throw new Error("spec broke");
        },
      }),
    ).rejects.toThrow("spec broke");
    // The re-plan after `bad` started `next`; the one that threw waited for both in flight to finish.
    expect(finished.sort()).toEqual(["long", "next"]);
  });
});
