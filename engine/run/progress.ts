// Progress for people: one line per task start and finish (role, model, tokens, time). Quiet, line-oriented
// and free of colour when not on a terminal, so CI logs stay readable. In GitHub Actions each task's lines are
// kept together and printed as one collapsible ::group:: when it ends, since tasks run interleaved.

export interface ProgressEvent {
  kind: "start" | "done" | "revise" | "failed" | "blocked" | "info" | "call";
  project: string;
  action?: string;
  text: string;
}

export interface Progress {
  emit(event: ProgressEvent): void;
}

const MARK = { start: "▶", done: "✓", revise: "↻", failed: "✗", blocked: "■", info: "·", call: " " } as const;
const ENDS = new Set<ProgressEvent["kind"]>(["done", "failed", "blocked"]);

export function createProgress(write: (line: string) => void, opts: { tty: boolean; verbose?: boolean; annotate?: boolean }): Progress {
  const started = Date.now();
  const groups = new Map<string, string[]>();
  const line = (e: ProgressEvent) => {
    const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    const prefix = opts.tty ? `${MARK[e.kind]} ` : `[${e.kind}] `;
    return `${opts.tty ? `${t}s ` : ""}${prefix}${e.project}${e.action ? ` ${e.action}` : ""}: ${e.text}\n`;
  };
  return {
    emit(e) {
      if (e.kind === "call" && !opts.verbose) return;
      if (!opts.annotate || !e.action) {
        write(line(e));
        return;
      }
      const key = `${e.project} ${e.action}`;
      const buffered = [...(groups.get(key) ?? []), line(e)];
      if (!ENDS.has(e.kind)) {
        groups.set(key, buffered);
        return;
      }
      groups.delete(key);
      write(`::group::${key}: ${e.kind}\n${buffered.join("")}::endgroup::\n`);
      if (e.kind === "failed" || e.kind === "blocked") write(`::warning title=ateams ${e.project}::${e.text.replace(/\n/g, "%0A")}\n`);
    },
  };
}

export const silentProgress: Progress = { emit() {} };
