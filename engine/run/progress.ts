// Progress for people: one line per task start and finish (role, model, tokens, time). Quiet, line-oriented
// and free of colour when not on a terminal, so CI logs stay readable.

export interface ProgressEvent {
  kind: "start" | "done" | "revise" | "failed" | "blocked" | "info" | "call";
  project: string;
  action?: string;
  text: string;
}

export interface Progress {
  emit(event: ProgressEvent): void;
}

export function createProgress(write: (line: string) => void, opts: { tty: boolean; verbose?: boolean; annotate?: boolean }): Progress {
  const started = Date.now();
  const mark = { start: "▶", done: "✓", revise: "↻", failed: "✗", blocked: "■", info: "·", call: " " } as const;
  return {
    emit(e) {
      if (e.kind === "call" && !opts.verbose) return;
      const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
      const prefix = opts.tty ? `${mark[e.kind]} ` : `[${e.kind}] `;
      write(`${opts.tty ? `${t}s ` : ""}${prefix}${e.project}${e.action ? ` ${e.action}` : ""}: ${e.text}\n`);
      if (opts.annotate && (e.kind === "failed" || e.kind === "blocked")) write(`::warning title=ateams ${e.project}::${e.text.replace(/\n/g, "%0A")}\n`);
    },
  };
}

export const silentProgress: Progress = { emit() {} };
