// review-learning: once a project's deliverable is assembled, the Learning & Performance Manager reviews how the work
// went — every task attempt's rounds and the Collaborator's feedback (from the committed metrics), what people said,
// the lessons each role carries, cost and acceptance per tier — and answers with an analysis, a score per role and
// proposals. The analysis is the project's record (`projects/<id>/learning.md`, committed with the status). The
// proposals never change a role directly: they are one commit on `ateams/<project>/learning`, made afresh from the
// working branch for each review (lessons appended to `memory/roles/<role>.md` with their provenance, items added
// to role YAML), which a person merges or not — on GitHub as a pull request. No proposal, no branch.
import { schemaRefFor } from "../rewrite/schema-ref.ts";
import { isMap, isSeq, parseDocument } from "yaml";
import { proposeThresholds, type ThresholdProposal } from "../metrics/routing-learn.ts";
import { join } from "node:path";
import { reviewProject, type LearningEvidence } from "../agents/learning.ts";
import { emptyUsage, type UsageTotals } from "../agency/usage.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { LearningReviewReply, Status } from "../agency/types.gen.ts";
import { formatUsd } from "../agency/usage.ts";
import { formatBranchName, learningBranch, type FileChange } from "../forge/index.ts";
import type { TaskRecord } from "../metrics/records.ts";
import { summarize } from "../metrics/summarize.ts";
import { agentTier } from "../plan/route.ts";
import type { AssemblyAction, StreamAction } from "../plan/types.ts";
import { learningView } from "../prompts/views.ts";
import { addToRoleList, addToRoleText } from "../rewrite/role-yaml.ts";
import { addEntries, summarizeEntries, type NewEntry } from "../memory/memory-file.ts";
import { analysisFile, COLLABORATION_FILE, PM_FILE, roleMemoryFile } from "../memory/scope.ts";
import { maxEntriesPerRole } from "../agency/settings.ts";
import { addUsage } from "../status/record.ts";
import { actionAttempt, actionKey } from "../status/retry.ts";
import { accounted } from "./outcome.ts";
import { BudgetExceededError } from "../llm/budget.ts";
import { readProjectMetrics } from "./project-metrics.ts";
import { depsForAttempt, trailers, type RunContext } from "./run-context.ts";
import { specTextProblems } from "./spec-guard.ts";

/** The project's review after its assembly, or a merged stream's (`review-stream`, learningManager.reviewStreams). */
export async function executeLearning(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: AssemblyAction | StreamAction): Promise<void> {
  const usage = emptyUsage();
  return accounted(usage, () => review(ctx, model, project, action, usage));
}

async function review(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: AssemblyAction | StreamAction, usage: UsageTotals): Promise<void> {
  const lp = agentTier(model.spec, "learningManager");
  // A stream's review sees that stream's attempts and what people said about its tasks; it proposes what the project's
  // later streams and projects can use, and leaves routing and the takeaway to the project's review.
  const stream = action.kind === "review-stream" ? action.stream : undefined;
  const label = stream ? `the ${stream} stream` : "the project";
  ctx.progress.emit({ kind: "start", project: project.id, action: action.kind, text: `L&P Manager reviews ${label} on ${lp.model}` });
  const { records: all } = await readProjectMetrics(project, ctx.ws);
  const records = stream ? all.filter((r) => r.kind === "task" && r.stream === stream) : all;
  const evidence = gatherEvidence(model, project, records.filter((r): r is TaskRecord => r.kind === "task" && r.project === project.id), summarize(project.id, records), stream);
  const deps = depsForAttempt(ctx.deps, actionAttempt(ctx.status(project).current, actionKey(action.kind, stream ?? null)));
  const at = ctx.now();
  let reply;
  try {
    reply = await reviewProject(deps, ctx.templates, { project: project.spec, tier: lp.id, system: ctx.templates.render("learning.system", learningView(model, project)), evidence, usage });
  } catch (e) {
    // The review is worth having, not worth blocking a finished project over: with its budget spent, it is skipped.
    if (!(e instanceof BudgetExceededError) || usage.calls) throw e;
    await ctx.status(project).update((s) => recordReview(s, stream, { fingerprint: action.fingerprint, at, proposals: 0 }), `ateams: ${project.id} review of ${label} skipped (budget spent)`, trailers({ project: project.id, kind: "status" }));
    ctx.progress.emit({ kind: "info", project: project.id, action: action.kind, text: `skipped: ${e.message}` });
    return;
  }

  const branch = formatBranchName(learningBranch(project.id));
  // Routing learns from this project's outcomes: a proposal rests on evidence the review's own PR can show, and a
  // project's review says the same whichever other project's jobs ran first.
  const routing = stream ? [] : proposeThresholds(model.spec, records.filter((r): r is TaskRecord => r.kind === "task" && r.project === project.id));
  const { files, proposals } = await proposalFiles(ctx, model, project, reply.value, at, routing);
  let commit: string | undefined;
  if (proposals) {
    // Each review's proposals stand alone on the working branch: an earlier one, merged or declined, is not built on.
    const head = await ctx.ws.store.resolveRef("HEAD");
    const tip = await ctx.ws.store.resolveRef(`refs/heads/${branch}`);
    if (tip && head && tip !== head && !(await ctx.ws.store.moveBranch(branch, head, tip))) throw new Error(`${branch} moved while the review was being written; the next run reviews again`);
    const message = `ateams: ${project.id} lessons and role edits from the L&P Manager\n\n${reply.value.analysis.slice(0, 2000)}`;
    commit = (await ctx.ws.commitBranch(branch, files, message, trailers({ project: project.id, kind: "learning", model: reply.model, fingerprint: action.fingerprint }))).sha;
  }
  // Opted in (agency.yaml learningManager.autoAccept): memory (lessons, summaries) is applied at once, as `ateams
  // learn --accept` would. A role edit or a threshold reruns finished work (both are part of task fingerprints), and
  // applied mid-run could feed the next review its own reruns: a proposal carrying one waits for a person. So does a
  // merge that does not go through cleanly.
  const memoryOnly = files.every((f) => f.path.startsWith(`${ctx.ws.repoPath(join(model.dir, "memory"))}/`));
  const applied = commit !== undefined && model.spec.learningManager?.autoAccept === true && memoryOnly && (await ctx.ws.mergeIntoWorking(branch, `ateams: apply the L&P Manager's proposals for ${project.id} (learningManager.autoAccept)`)).status === "merged";
  await ctx.status(project).update(
    (s) => {
      // The project's record of its latest review (the branch `ateams learn` and the PR show); a stream's review
      // is also recorded on the stream, which is what the planner asks.
      const withProject = { ...s, learning: { fingerprint: stream ? (s.learning?.fingerprint ?? action.fingerprint) : action.fingerprint, at, ...(commit ? { branch, commit } : {}), proposals, ...(applied ? { applied } : {}), ...(commit && s.learning?.pr ? { pr: s.learning.pr } : {}) }, usage: addUsage(s.usage, usage) };
      return stream ? recordReview(withProject, stream, { fingerprint: action.fingerprint, at, proposals }) : withProject;
    },
    `ateams: ${project.id} ${label} reviewed by the L&P Manager`,
    trailers({ project: project.id, kind: "status" }),
    [{ path: ctx.ws.repoPath(learningFile(project)), content: analysisText(project, reply.value, at, routing, stream) }, ...(stream ? [] : await takeawayFile(ctx, model, project, reply.value, at))],
  );
  const scores = reply.value.scores.map((s) => `${s.role} ${s.score}/5`).join(", ");
  const dropped = reply.dropped ? `; ${reply.dropped} left out for quoting no evidence` : "";
  ctx.progress.emit({ kind: "done", project: project.id, action: action.kind, text: `${proposals ? `${proposals} proposal(s) ${applied ? `applied (learningManager.autoAccept; ${branch} merged)` : `on ${branch}`}` : "no proposal"}${scores ? `; scores: ${scores}` : ""}${dropped}` });
}

/** A review recorded where the planner looks for it: the project's, or the stream's. */
function recordReview(s: Status, stream: string | undefined, rec: { fingerprint: string; at: string; proposals: number }): Status {
  if (!stream) return { ...s, learning: rec };
  const prior = s.streams?.[stream] ?? {};
  return { ...s, streams: { ...s.streams, [stream]: { ...prior, learning: rec } } };
}

/** What the L&P Manager is shown: per role its task attempts (rounds, outcome, the Collaborator's feedback), lessons. */
function gatherEvidence(model: AgencyModel, project: LoadedProject, tasks: readonly TaskRecord[], sums: ReturnType<typeof summarize>, stream?: string): LearningEvidence {
  const streams = (project.plan?.streams ?? []).filter((s) => !stream || s.id === stream);
  const roles = [...new Set(streams.flatMap((s) => s.tasks.map((t) => t.role)))].sort();
  const inScope = new Set(streams.flatMap((s) => s.tasks.map((t) => t.id)));
  const status = project.status;
  const people = [
    ...(stream ? [] : (status?.plan?.feedback ?? []).map((f) => ({ by: f.by, about: "the plan", text: f.text }))),
    ...Object.entries(status?.tasks ?? {})
      .filter(([task]) => inScope.has(task))
      .flatMap(([task, rec]) => (rec.feedback ?? []).map((f) => ({ by: f.by, about: `task ${task}`, text: f.text }))),
    ...(stream ? [] : (status?.assembly?.feedback ?? []).map((f) => ({ by: f.by, about: "the deliverable", text: f.text }))),
  ];
  const maxEntries = maxEntriesPerRole(model.spec);
  return {
    project: project.spec.name,
    subject: stream ? `the "${stream}" stream of project "${project.spec.name}": its work is merged, the project goes on` : `the finished project "${project.spec.name}". Its deliverable is assembled`,
    maxEntries,
    roles: roles.map((id) => ({
      id,
      memory: (model.memory.get(roleMemoryFile(id)) ?? []).map((e) => ({ id: e.id, text: e.text.replace(/\s+/g, " ").trim() })),
      overCap: (model.memory.get(roleMemoryFile(id))?.length ?? 0) > maxEntries,
      tasks: tasks
        .filter((t) => t.role === id)
        .slice(-MAX_ATTEMPTS_PER_ROLE)
        .map((t) => ({
          task: t.task,
          stream: t.stream,
          outcome: t.outcome,
          rounds: t.rounds,
          checks: t.checks ? `${t.checks.met}/${t.checks.total}` : null,
          cost: formatUsd(t.costUsd),
          feedback: (t.feedback ?? []).slice(0, MAX_FEEDBACK_PER_ATTEMPT),
        })),
    })),
    people,
    tiers: sums.byTierAndRole.map((t) => ({ tier: t.tier, role: t.role, attempts: t.attempts, acceptedFirstRound: t.acceptedFirstRound, escalated: t.escalated, failed: t.failed, cost: formatUsd(t.costUsd) })),
  };
}

/** The project's review, as its record keeps it. */
export const learningFile = (project: LoadedProject): string => join(project.dir, "learning.md");

/** Evidence kept to what a prompt can hold: each role's latest attempts, each with its first pieces of feedback. */
const MAX_ATTEMPTS_PER_ROLE = 20;
const MAX_FEEDBACK_PER_ATTEMPT = 5;

/** agency.yaml with each proposed threshold set, comments and layout kept; undefined when none applies. */
function thresholdEdit(text: string, proposals: readonly ThresholdProposal[]): string | undefined {
  const doc = parseDocument(text);
  const list = doc.getIn(["models", "routing", "thresholds"], true);
  if (!isSeq(list)) return undefined;
  let changed = false;
  list.items.forEach((item, i) => {
    const p = proposals.find((x) => isMap(item) && item.get("tier") === x.tier);
    if (p) {
      doc.setIn(["models", "routing", "thresholds", i, "minScore"], p.to);
      changed = true;
    }
  });
  return changed ? doc.toString({ lineWidth: 120 }) : undefined;
}

async function proposalFiles(ctx: RunContext, model: AgencyModel, project: LoadedProject, reply: LearningReviewReply, at: string, routing: readonly ThresholdProposal[]): Promise<{ files: FileChange[]; proposals: number }> {
  const ws = ctx.ws;
  const read = (absolute: string) => ws.store.readFile("HEAD", ws.repoPath(absolute));
  const files: FileChange[] = [];
  let proposals = 0;

  const provenance = (evidence?: string[]) => ({ by: LEARNING_MANAGER, at, project: project.id, ...(evidence ? { evidence } : {}) });
  const propose = (change: MemoryFileChange | undefined) => {
    if (!change) return;
    files.push(change.file);
    proposals += change.changed;
  };
  for (const role of [...new Set([...reply.lessons.map((l) => l.role), ...reply.merges.map((m) => m.role)])]) {
    const lessons = reply.lessons.filter((l) => l.role === role).map((l) => ({ kind: "lesson" as const, text: l.lesson, provenance: provenance(l.evidence) }));
    const merges = reply.merges.filter((x) => x.role === role);
    const rel = roleMemoryFile(role);
    // Then the summaries of a role over its cap, each replacing the entries it names.
    const summarize = (text: string) =>
      merges.reduce((acc, m) => {
        const s = summarizeEntries(acc.text, rel, m.replaces, m.text, provenance());
        return s ? { text: s.text, changed: acc.changed + 1 } : acc;
      }, { text, changed: 0 });
    propose(await memoryWithEntries(ctx, model, rel, lessons, summarize));
  }
  // Patterns for every Specialist and observations for the PM: memory the whole team recalls, reviewed the same way.
  for (const rel of [COLLABORATION_FILE, PM_FILE]) {
    const wanted = reply.observations.filter((o) => (o.for === "collaboration" ? COLLABORATION_FILE : PM_FILE) === rel);
    const kind = rel === COLLABORATION_FILE ? ("pattern" as const) : ("observation" as const);
    if (wanted.length) propose(await memoryWithEntries(ctx, model, rel, wanted.map((o) => ({ kind, text: o.text, provenance: provenance(o.evidence) }))));
  }
  for (const role of [...new Set(reply.roleEdits.map((e) => e.role))]) {
    const loaded = model.roles.get(role);
    if (!loaded) continue;
    const before = await read(loaded.file);
    if (before === undefined) continue;
    let text = before;
    for (const edit of reply.roleEdits.filter((e) => e.role === role)) {
      const next = edit.field === "collaboration" || edit.field === "adaptability" ? addToRoleText(text, edit.field, edit.add) : addToRoleList(text, edit.field, edit.add);
      // An edit the loader would refuse never reaches the branch.
      if (next === undefined || specTextProblems("role", next, ws.repoPath(loaded.file)).length) continue;
      text = next;
      proposals++;
    }
    if (text !== before) files.push({ path: ws.repoPath(loaded.file), content: text });
  }
  if (routing.length) {
    const before = await read(model.file);
    const text = before === undefined ? undefined : thresholdEdit(before, routing);
    // Each proposal stays strictly between its neighbours' thresholds (routing-learn.ts); anything else the loader
    // would refuse never reaches the branch.
    if (text && !specTextProblems("agency", text, ws.repoPath(model.file)).length) {
      files.push({ path: ws.repoPath(model.file), content: text });
      proposals += routing.length;
    }
  }
  return { files, proposals };
}

/**
 * The takeaway joins agency/memory/analyses/<project>.yaml with the status commit: the PM recalls it when it plans the next
 * project. It changes no role, so it needs no review; the project's full analysis stays in its learning.md.
 */
async function takeawayFile(ctx: RunContext, model: AgencyModel, project: LoadedProject, reply: LearningReviewReply, at: string): Promise<FileChange[]> {
  const change = await memoryWithEntries(ctx, model, analysisFile(project.id), [{ kind: "analysis", text: reply.takeaway, provenance: { by: LEARNING_MANAGER, at, project: project.id, source: ctx.ws.repoPath(learningFile(project)) } }]);
  return change ? [change.file] : [];
}

interface MemoryFileChange {
  file: FileChange;
  /** Entries added, given another source, or summarised. */
  changed: number;
}

/**
 * A memory file (relative to agency/memory/) as it stands on the working branch, with `entries` added and then
 * `thenEdit` applied; undefined when nothing changes, or when the result is one the loader would refuse (it never
 * reaches a commit).
 */
async function memoryWithEntries(ctx: RunContext, model: AgencyModel, rel: string, entries: readonly NewEntry[], thenEdit?: (text: string) => { text: string; changed: number }): Promise<MemoryFileChange | undefined> {
  const file = join(model.dir, "memory", rel);
  const path = ctx.ws.repoPath(file);
  const before = await ctx.ws.store.readFile("HEAD", path);
  const added = addEntries(before, rel, entries, schemaRefFor(file, ctx.ws.repoRoot, "memory"));
  const { text, changed: edited } = thenEdit ? thenEdit(added.text) : { text: added.text, changed: 0 };
  const changed = added.added.length + added.merged.length + edited;
  if (!changed || text === before || specTextProblems("memory", text, path).length) return undefined;
  return { file: { path, content: text }, changed };
}

/** Who the L&P Manager is in memory's provenance. */
const LEARNING_MANAGER = "learning-manager";

/** The post-project analysis as memory keeps it, with the scores and every proposal's evidence. */
function analysisText(project: LoadedProject, reply: LearningReviewReply, at: string, routing: readonly ThresholdProposal[], stream?: string): string {
  const quote = (e: readonly string[]) => e.map((q) => `> ${q.replace(/\s+/g, " ").trim()}`).join("\n");
  const out = [`# ${project.spec.name}: ${stream ? `review after the ${stream} stream` : "post-project analysis"}`, "", `*Learning & Performance Manager, ${at}*`, "", reply.analysis.trim(), ""];
  if (reply.scores.length) out.push("## Scores", "", "| role | score | why |", "|---|--:|---|", ...reply.scores.map((s) => `| ${s.role} | ${s.score}/5 | ${s.rationale.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`), "");
  if (reply.lessons.length) out.push("## Lessons proposed", "", ...reply.lessons.flatMap((l) => [`- **${l.role}**: ${l.lesson}`, "", quote(l.evidence), ""]));
  if (reply.roleEdits.length) out.push("## Role edits proposed", "", ...reply.roleEdits.flatMap((e) => [`- **${e.role}** \`${e.field}\` += ${e.add}`, "", quote(e.evidence), ""]));
  if (reply.observations.length) out.push("## Patterns and observations proposed", "", ...reply.observations.flatMap((o) => [`- **${o.for === "collaboration" ? "every Specialist" : "the Project Manager"}**: ${o.text}`, "", quote(o.evidence), ""]));
  if (reply.merges.length) out.push("## Memory merged into summaries", "", ...reply.merges.map((m) => `- **${m.role}**: ${m.replaces.map((id) => `\`${id}\``).join(", ")} → ${m.text.replace(/\s+/g, " ").trim()}`), "");
  if (routing.length) {
    out.push(
      "## Routing thresholds proposed",
      "",
      "From the outcomes this project recorded (its metrics/): how the cheaper tier did on the tasks scored just below each threshold, and what the tasks the change moves cost on record against what they would cost after it (estimated from their tokens). Accepting it reruns the finished tasks whose tier it changes (a task's fingerprint includes its model); tasks not yet started route by it.",
      "",
      "| threshold | evidence | tasks moved | cost on record | estimated after |",
      "|---|---|--:|--:|--:|",
      ...routing.map((p) => `| ${p.tier} ${p.from} → **${p.to}** | ${p.evidence.tier}, scores ${p.evidence.band[0]}–${p.evidence.band[1]}: ${p.evidence.accepted}/${p.evidence.attempts} passed (${p.evidence.acceptedFirstRound} at the first round), ${p.evidence.escalated} escalated | ${p.moved} | ${formatUsd(p.costBeforeUsd)} | ${formatUsd(p.costAfterUsd)} |`),
      "",
      ...routing.map((p) => `- ${p.why}.`),
      "",
    );
  }
  if (!stream) out.push("## Takeaway for the next plan", "", reply.takeaway.trim(), "");
  return `${out.join("\n").trimEnd()}\n`;
}
