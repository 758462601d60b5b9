// What a project's metrics add up to: the tables `ateams report` shows (cost by role, tokens by model, acceptance by
// tier, time per stream) and the task bars of its timeline. Pure: records in, numbers out.
import type { CallRecord, TaskRecord } from "../agency/types.gen.ts";
import type { MetricsRecord } from "./records.ts";
import type { UsageTotals } from "../agency/usage.ts";

/** Usage (one shape, agency/usage.ts) and the calls served from the response cache, for which nothing was paid. */
export type Totals = UsageTotals & { cached: number };

export interface RoleRow extends Totals {
  role: string;
  tasks: number;
}

export interface ModelRow extends Totals {
  model: string;
  /** Mean wait per paid call. */
  meanLatencyMs: number;
  retries: number;
}

export interface TierRow {
  tier: string;
  /** Task attempts routed to this tier that reached a verdict. */
  attempts: number;
  accepted: number;
  acceptedFirstRound: number;
  escalated: number;
  failed: number;
  blocked: number;
  meanRounds: number;
  costUsd: number;
}

/** How a role's tasks went under one version of its prompt (role file and lessons), oldest version first. */
export interface RoleVersionRow {
  role: string;
  version: string;
  /** When an attempt under this version first ended. */
  firstAt: string;
  attempts: number;
  accepted: number;
  acceptedFirstRound: number;
  meanRounds: number;
  costUsd: number;
}

export interface StreamRow {
  stream: string;
  tasks: number;
  /** The sum of its task attempts' wall times. */
  workMs: number;
  /** From the first attempt's start to the last one's end. */
  spanMs: number;
  costUsd: number;
}

export interface TimelineBar {
  stream: string;
  task: string;
  outcome: TaskRecord["outcome"];
  startMs: number;
  endMs: number;
}

export interface ProjectMetrics {
  project: string;
  totals: Totals;
  tasks: { attempts: number; accepted: number; acceptedFirstRound: number; escalated: number; failed: number; blocked: number };
  byRole: RoleRow[];
  byModel: ModelRow[];
  byTier: TierRow[];
  /** The same per tier and task kind (the role that did it): what routing learns from. */
  byTierAndRole: (TierRow & { role: string })[];
  byStream: StreamRow[];
  byRoleVersion: RoleVersionRow[];
  timeline: TimelineBar[];
}

const zero = (): Totals => ({ calls: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });

function add(t: Totals, c: CallRecord): void {
  t.calls += 1;
  if (c.cached) t.cached += 1;
  t.inputTokens += c.inputTokens;
  t.outputTokens += c.outputTokens;
  t.costUsd += c.costUsd;
}

/** Rounded to a millionth of a dollar, as status.yaml keeps it, so sums of many calls do not show float noise. */
const usd = (n: number) => Math.round(n * 1e6) / 1e6;

function grouped<T, R>(items: readonly T[], key: (t: T) => string | undefined, make: (key: string, group: T[]) => R): R[] {
  const groups = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    if (k === undefined) continue;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, g]) => make(k, g));
}

function totalsOf(calls: readonly CallRecord[]): Totals {
  const t = zero();
  for (const c of calls) add(t, c);
  t.costUsd = usd(t.costUsd);
  return t;
}

export function summarize(project: string, records: readonly MetricsRecord[]): ProjectMetrics {
  const calls = records.filter((r): r is CallRecord => r.kind === "call" && r.project === project);
  const tasks = records.filter((r): r is TaskRecord => r.kind === "task" && r.project === project);
  const count = (ts: readonly TaskRecord[], outcome: TaskRecord["outcome"]) => ts.filter((t) => t.outcome === outcome).length;
  const firstRound = (ts: readonly TaskRecord[]) => ts.filter((t) => t.outcome === "accepted" && t.rounds === 1).length;

  // A task's calls carry its role; the PM's and the Collaborator's own stream checks are grouped under their agent.
  const byRole = grouped(calls, (c) => c.role ?? c.agent, (role, group): RoleRow => ({
    role,
    tasks: new Set(tasks.filter((t) => t.role === role).map((t) => `${t.stream}/${t.task}`)).size,
    ...totalsOf(group),
  }));
  const byModel = grouped(calls, (c) => c.model, (model, group): ModelRow => {
    const paid = group.filter((c) => !c.cached);
    return {
      model,
      ...totalsOf(group),
      meanLatencyMs: paid.length ? Math.round(paid.reduce((s, c) => s + c.latencyMs, 0) / paid.length) : 0,
      retries: group.reduce((s, c) => s + (c.retries ?? 0), 0),
    };
  });
  const tierRow = (tier: string, group: readonly TaskRecord[]): TierRow => ({
    tier,
    attempts: group.length,
    accepted: count(group, "accepted"),
    acceptedFirstRound: firstRound(group),
    escalated: count(group, "escalated"),
    failed: count(group, "failed"),
    blocked: count(group, "blocked"),
    meanRounds: Math.round((group.reduce((s, t) => s + t.rounds, 0) / group.length) * 100) / 100,
    costUsd: usd(group.reduce((s, t) => s + t.costUsd, 0)),
  });
  const byTier = grouped(tasks, (t) => t.tier, tierRow);
  const byTierAndRole = grouped(tasks, (t) => `${t.tier}\u0000${t.role}`, (key, group) => {
    const [tier = "", role = ""] = key.split("\u0000");
    return { ...tierRow(tier, group), role };
  });
  const timeline = tasks
    .map((t): TimelineBar => {
      const endMs = Date.parse(t.at);
      return { stream: t.stream, task: t.task, outcome: t.outcome, startMs: endMs - t.wallMs, endMs };
    })
    .sort((a, b) => a.startMs - b.startMs || (a.task < b.task ? -1 : 1));
  const byStream = grouped(timeline, (b) => b.stream, (stream, bars): StreamRow => ({
    stream,
    tasks: new Set(bars.map((b) => b.task)).size,
    workMs: bars.reduce((s, b) => s + (b.endMs - b.startMs), 0),
    spanMs: Math.max(...bars.map((b) => b.endMs)) - Math.min(...bars.map((b) => b.startMs)),
    costUsd: usd(tasks.filter((t) => t.stream === stream).reduce((s, t) => s + t.costUsd, 0)),
  }));
  const byRoleVersion = grouped(tasks, (t) => (t.roleVersion === undefined ? undefined : `${t.role}\u0000${t.roleVersion}`), (key, group): RoleVersionRow => {
    const [role = "", version = ""] = key.split("\u0000");
    return {
      role,
      version,
      firstAt: group.map((t) => t.at).sort()[0]!,
      attempts: group.length,
      accepted: count(group, "accepted"),
      acceptedFirstRound: firstRound(group),
      meanRounds: Math.round((group.reduce((s, t) => s + t.rounds, 0) / group.length) * 100) / 100,
      costUsd: usd(group.reduce((s, t) => s + t.costUsd, 0)),
    };
  }).sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : a.firstAt < b.firstAt ? -1 : a.firstAt > b.firstAt ? 1 : 0));
  return {
    project,
    totals: totalsOf(calls),
    tasks: { attempts: tasks.length, accepted: count(tasks, "accepted"), acceptedFirstRound: firstRound(tasks), escalated: count(tasks, "escalated"), failed: count(tasks, "failed"), blocked: count(tasks, "blocked") },
    byRole,
    byModel,
    byTier,
    byTierAndRole,
    byStream,
    byRoleVersion,
    timeline,
  };
}
