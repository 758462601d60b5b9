// Our trailers on every commit the engine writes, as one value type that both formats and parses (release-please's
// branch-name / pull-request-body style): which project, stream, task, role, model and fingerprint produced a commit,
// what the work cost and which comment asked for it, so the next run rebuilds what was done from `git log` alone.
// The `Key: value` block itself is git's format (engine/forge/trailers.ts writes and reads it); the keys and what
// their values mean are ours and live only here.
import type { UsageTotals } from "./usage.ts";

export const TRAILER_KEYS = {
  project: "Ateams-Project",
  kind: "Ateams-Kind",
  stream: "Ateams-Stream",
  task: "Ateams-Task",
  role: "Ateams-Role",
  model: "Ateams-Model",
  fingerprint: "Ateams-Fingerprint",
  usage: "Ateams-Usage",
  memory: "Ateams-Memory",
  source: "Ateams-Source",
} as const;

export interface CommitTrailers {
  project?: string;
  /** What the commit is: task, status, command, merge, assembly, poll… */
  kind?: string;
  stream?: string;
  task?: string;
  role?: string;
  model?: string;
  fingerprint?: string;
  /** What the work cost, so a run that adopts the commit (a fan-out job's) counts it. */
  usage?: UsageTotals;
  /** Digest of the memory entries the task's prompt recalled (engine/memory/select.ts), kept when it is adopted. */
  memory?: string;
  /** The comment (URL) or local command that asked for the change: applied once. */
  source?: string;
}

const formatUsage = (u: UsageTotals): string => `${u.calls} calls, ${u.inputTokens} in, ${u.outputTokens} out, $${u.costUsd.toFixed(6)}`;

function parseUsage(text: string | undefined): UsageTotals | undefined {
  const m = /^(\d+) calls, (\d+) in, (\d+) out, \$([\d.]+)$/.exec(text ?? "");
  return m ? { calls: Number(m[1]), inputTokens: Number(m[2]), outputTokens: Number(m[3]), costUsd: Number(m[4]) } : undefined;
}

/** The trailer map git writes; fields left out (or empty) are not written. Key order is TRAILER_KEYS' order. */
export function formatTrailers(t: CommitTrailers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of Object.keys(TRAILER_KEYS) as (keyof CommitTrailers)[]) {
    const value = t[field];
    if (value === undefined || value === "") continue;
    out[TRAILER_KEYS[field]] = field === "usage" ? formatUsage(value as UsageTotals) : (value as string);
  }
  return out;
}

/** Inverse of formatTrailers; keys that are not ours are ignored, an unreadable usage is left out. */
export function parseTrailers(raw: Readonly<Record<string, string>>): CommitTrailers {
  const out: CommitTrailers = {};
  for (const field of Object.keys(TRAILER_KEYS) as (keyof CommitTrailers)[]) {
    const value = raw[TRAILER_KEYS[field]];
    if (value === undefined) continue;
    if (field === "usage") {
      const usage = parseUsage(value);
      if (usage) out.usage = usage;
    } else out[field] = value;
  }
  return out;
}
