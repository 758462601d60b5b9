// A project's metrics where a run left them: its own file in the working tree, and each stream's file from the
// stream branch while that holds work not merged yet (records are only appended, so the branch's file holds
// everything the working branch's does), else from the working tree.
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import type { LoadedProject } from "../agency/model.ts";
import { metricsFile, parseMetrics, streamMetricsDir, type ParsedMetrics } from "../metrics/records.ts";
import type { Workspace } from "./workspace.ts";

export async function readProjectMetrics(project: LoadedProject, ws: Workspace | undefined): Promise<ParsedMetrics> {
  const texts = new Map<string, string>();
  const own = metricsFile(project.dir);
  const read = (file: string) => {
    try {
      texts.set(file, readFileSync(file, "utf8"));
    } catch {
      // no records yet
    }
  };
  read(own);
  const streamsDir = streamMetricsDir(project.dir);
  let onDisk: string[] = [];
  try {
    onDisk = readdirSync(streamsDir).filter((f) => f.endsWith(".jsonl"));
  } catch {
    // no stream has finished a task yet
  }
  const streams = new Set([...onDisk.map((f) => basename(f, ".jsonl")), ...(project.plan?.streams ?? []).map((s) => s.id)]);
  for (const stream of [...streams].sort()) {
    const file = metricsFile(project.dir, stream);
    const pending = ws ? await ws.streamPending(project.id, stream).catch(() => false) : false;
    const onBranch = pending ? await ws!.store.readFile(ws!.streamBranchOf(project.id, stream), ws!.repoPath(file)) : undefined;
    if (onBranch !== undefined) texts.set(file, onBranch);
    else read(file);
  }
  const out: ParsedMetrics = { records: [], problems: [] };
  for (const [file, text] of texts) {
    const parsed = parseMetrics(text, ws ? ws.repoPath(file) : file);
    out.records.push(...parsed.records);
    out.problems.push(...parsed.problems);
  }
  return out;
}
