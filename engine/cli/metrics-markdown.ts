// The projects' `ateams report` Markdown after a run, for the Actions job summary: read again from what the run
// committed (and any stream branch it left unmerged).
import { loadAgency } from "../agency/load-agency.ts";
import { renderReport } from "../metrics/report-view.ts";
import { loadTemplates } from "../prompts/templates.ts";
import { readProjectMetrics } from "../run/project-metrics.ts";
import { openWorkspace } from "../run/workspace.ts";

export async function metricsMarkdown(agencyDir: string, projects: readonly string[]): Promise<string[]> {
  const loaded = await loadAgency(agencyDir);
  if (!loaded.ok) return [];
  const templates = await loadTemplates();
  const ws = await openWorkspace(agencyDir).catch(() => undefined);
  try {
    const out: string[] = [];
    for (const id of projects) {
      const project = loaded.model.projects.get(id);
      if (!project) continue;
      const { records, problems } = await readProjectMetrics(project, ws);
      if (records.length || problems.length) out.push(renderReport(templates, id, records, problems));
    }
    return out;
  } finally {
    await ws?.close();
  }
}
