// A limiter group with the shape @octokit/plugin-throttling expects for its `write` and `notifications` groups
// (`group.key(id).schedule(options, fn, ...args)`): calls per key run one at a time, starts at least `intervalMs`
// apart. The plugin's defaults (1 s between writes, 3 s between writes that notify people) follow GitHub's advice
// against secondary rate limits and stay in force unless a caller (a test, a benchmark) asks for other spacing.

export interface LimiterGroup {
  key(id: string): {
    schedule(options: object, fn: (...args: unknown[]) => unknown, ...args: unknown[]): Promise<unknown>;
  };
}

export function spacedGroup(intervalMs: number): LimiterGroup {
  const queues = new Map<string, { tail: Promise<unknown>; lastStart: number }>();
  return {
    key(id) {
      return {
        schedule(_options, fn, ...args) {
          let queue = queues.get(id);
          if (!queue) queues.set(id, (queue = { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY }));
          const q = queue;
          const run = q.tail.then(async () => {
            const wait = q.lastStart + intervalMs - Date.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            q.lastStart = Date.now();
            return fn(...args);
          });
          q.tail = run.catch(() => undefined);
          return run;
        },
      };
    },
  };
}
