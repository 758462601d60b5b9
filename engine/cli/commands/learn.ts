// `ateams learn`: what the Learning & Performance Manager proposed after each assembled project — the analysis, the
// files its review branch changes — and, with --accept, merging that branch into the working branch (the local twin
// of merging its pull request). Nothing changes a role until a person accepts (agency.yaml's
// learningManager.autoAccept applies memory-only reviews at once; role edits and thresholds always wait).
import { formatBranchName, GitStoreError, learningBranch } from "../../forge/index.ts";
import type { Workspace } from "../../run/workspace.ts";
import { learningFile } from "../../run/execute-learning.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { loadAndPlan } from "../load-or-report.ts";

export const LEARN_HELP = `Usage: ateams learn [--agency <dir>] [--project <id>]... [--accept] [--json]

Shows what the Learning & Performance Manager proposed after each assembled project: its
analysis (projects/<id>/learning.md), the lessons and role edits, and the files its branch
ateams/<id>/learning changes. Every proposal quotes the evidence it rests on.

Options:
  --agency <dir>   the agency directory (default: ./agency)
  --project <id>   only this project (repeatable)
  --accept         merge the review branch into the current branch: the lessons and role edits
                   take effect for the next tasks (on GitHub, merge its pull request instead)
  --json           machine-readable: {"projects": [{project, branch, commit, at, proposals,
                   merged, files, analysis}]}
  -h, --help       show this help

Exit status: 0 shown (or accepted), 1 invalid specs or a merge git refused, 2 usage error.
`;

interface Review {
  project: string;
  branch: string;
  commit: string | null;
  at: string;
  proposals: number;
  merged: boolean;
  files: string[];
  analysis: string | null;
}

export async function learnCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { ...COMMON_OPTIONS, project: { type: "string", multiple: true }, accept: { type: "boolean", default: false }, json: { type: "boolean", default: false } });
  if (values.help) {
    io.stdout(LEARN_HELP);
    return EXIT.ok;
  }
  const planned = await loadAndPlan(io, values.agency, values.project);
  if (!planned) return EXIT.invalid;
  const { model, ws } = planned;
  if (!ws) throw new UsageError("ateams learn reads the review branches of a git repository, and the agency is not in one");
  try {
    const reviews: Review[] = [];
    for (const project of model.projects.values()) {
      if (values.project?.length && !values.project.includes(project.id)) continue;
      const rec = project.status?.learning;
      if (!rec) continue;
      const branch = formatBranchName(learningBranch(project.id));
      const tip = await ws.store.resolveRef(`refs/heads/${branch}`);
      const merged = tip === undefined || (await ws.isMerged(tip));
      reviews.push({
        project: project.id,
        branch,
        commit: rec.commit ?? null,
        at: rec.at,
        proposals: rec.proposals ?? 0,
        merged,
        files: tip && !merged ? await changedFiles(ws, tip, ws.repoPath(model.dir)) : [],
        analysis: (await ws.store.readFile("HEAD", ws.repoPath(learningFile(project)))) ?? null,
      });
    }
    if (values.accept) return await accept(io, ws, reviews, values.project);
    if (values.json) io.stdout(`${JSON.stringify({ projects: reviews }, null, 2)}\n`);
    else io.stdout(render(reviews));
    return EXIT.ok;
  } finally {
    await ws.close();
  }
}

/** Paths under the agency the review's commit changes (a review is one commit on the working branch it started from). */
async function changedFiles(ws: Workspace, tip: string, agencyDir: string): Promise<string[]> {
  const parent = (await ws.store.parentsOf(tip))?.[0];
  if (!parent) return [];
  const [ours, theirs] = await Promise.all([ws.store.listTree(parent, agencyDir), ws.store.listTree(tip, agencyDir)]);
  return [...theirs].filter(([path, f]) => ours.get(path)?.blob !== f.blob).map(([path]) => `${agencyDir}/${path}`).sort();
}

function render(reviews: readonly Review[]): string {
  if (!reviews.length) return "No project has been reviewed yet: the L&P Manager reviews each project once its deliverable is assembled.\n";
  return reviews
    .map((r) => {
      const head = `● ${r.project}  reviewed ${r.at}: ${r.proposals} proposal(s) on ${r.branch}${r.merged ? " (merged)" : ""}`;
      const files = r.files.length ? `\n  changes: ${r.files.join(", ")}` : "";
      const next = r.merged ? "" : `\n\n  To accept: ateams learn --accept --project ${r.project}  (on GitHub: merge its pull request)`;
      return `${head}${files}${r.analysis ? `\n\n${r.analysis.trimEnd().replace(/^/gm, "  ")}` : ""}${next}\n`;
    })
    .join("\n");
}

async function accept(io: CliIO, ws: Workspace, reviews: readonly Review[], only: string[] | undefined): Promise<number> {
  const open = reviews.filter((r) => !r.merged);
  if (!only?.length && open.length > 1) throw new UsageError(`several reviews wait (${open.map((r) => r.project).join(", ")}): name one with --project`);
  if (!open.length) {
    io.stdout("Nothing to accept: every review is merged already.\n");
    return EXIT.ok;
  }
  for (const r of open) {
    let result;
    try {
      result = await ws.store.mergeBranch({ source: r.branch, into: ws.workingBranch, message: `ateams: accept the L&P Manager's proposals for ${r.project}` });
    } catch (e) {
      // Local edits in the way, a ref that moved: the person's to resolve, said plainly.
      if (!(e instanceof GitStoreError)) throw e;
      io.stderr(`ateams: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (result.status !== "merged") {
      io.stderr(`ateams: ${r.branch} does not merge cleanly into ${ws.workingBranch} (${result.status}); merge it with git and resolve the conflict\n`);
      return EXIT.invalid;
    }
    io.stdout(`Accepted ${r.proposals} proposal(s) for ${r.project}: ${r.branch} merged into ${ws.workingBranch} (${result.sha.slice(0, 7)}).\n`);
  }
  return EXIT.ok;
}
