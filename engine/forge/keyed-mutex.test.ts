import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex.ts";

describe("KeyedMutex", () => {
  it("runs work for one key one at a time, in arrival order", async () => {
    const mutex = new KeyedMutex();
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        mutex.run("k", async () => {
          peak = Math.max(peak, ++running);
          await sleep(2);
          order.push(i);
          running--;
        }),
      ),
    );
    expect(peak).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(mutex.size).toBe(0);
  });

  it("lets different keys run side by side", async () => {
    const mutex = new KeyedMutex();
    let running = 0;
    let peak = 0;
    const work = async () => {
      peak = Math.max(peak, ++running);
      await sleep(5);
      running--;
    };
    await Promise.all([mutex.run("a", work), mutex.run("b", work)]);
    expect(peak).toBe(2);
  });

  it("passes a failure to its caller without blocking the next one", async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run("k", async () => {
      throw new Error("boom");
    });
    const next = mutex.run("k", async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });
});
