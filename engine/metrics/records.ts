// Metrics as JSON Lines in the repository (schemas/metrics.schema.json): where each project's and stream's file
// lives, how records become lines, and how lines are read back, each checked against the schema. A stream's records
// travel in its task commits (so a fan-out job's records reach the working branch with its work); the project's
// own (planning, stream checks, assembly, failed attempts) in its status commits.
import { join } from "node:path";
import type { MetricsRecord } from "../agency/types.gen.ts";
import { metricsErrors } from "../agency/schemas.ts";

export type { CallRecord, MetricsRecord, TaskRecord } from "../agency/types.gen.ts";

/**
 * `<project dir>/metrics.jsonl`, or `<project dir>/metrics/<stream>.jsonl` for a stream's task work: inside the
 * project's folder, like everything else a project's run writes, so a project's job never touches another's files.
 */
export function metricsFile(projectDir: string, stream?: string): string {
  return stream === undefined ? join(projectDir, "metrics.jsonl") : join(streamMetricsDir(projectDir), `${stream}.jsonl`);
}

/** Where the streams' files are. */
export const streamMetricsDir = (projectDir: string): string => join(projectDir, "metrics");

/** Appends records to a file's text (undefined: no file yet); one JSON object per line. */
export function appendRecords(existing: string | undefined, records: readonly MetricsRecord[]): string {
  const head = existing === undefined || existing === "" ? "" : existing.endsWith("\n") ? existing : `${existing}\n`;
  return head + records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

export interface ParsedMetrics {
  records: MetricsRecord[];
  /** `file:line: what is wrong`, for lines that are not a record (a hand edit, a merge gone wrong). */
  problems: string[];
}

/** Reads a metrics file's lines; a bad line is reported with its place and skipped, never fatal. */
export function parseMetrics(text: string, file: string): ParsedMetrics {
  const records: MetricsRecord[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      problems.push(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      return;
    }
    const errors = metricsErrors(value);
    if (errors.length) problems.push(`${file}:${i + 1}: not a metrics record: ${errors[0]}`);
    else records.push(value as MetricsRecord);
  });
  return { records, problems };
}
