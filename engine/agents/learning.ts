// The Learning & Performance Manager: reviews a finished project's evidence and answers with an analysis, a score per
// role and proposals (lessons, role edits), each quoting the evidence word for word — checked here, since a schema
// cannot say it, and sent back in a repair turn when a quote is not in the evidence.
import type { Templates } from "../prompts/templates.ts";
import type { LearningReviewReply, Project } from "../agency/types.gen.ts";
import { callAgent, type AgentDeps, type AgentReply } from "./call.ts";
import type { UsageTotals } from "../agency/usage.ts";
import { learningReviewSchema } from "./reply-schemas.ts";

export interface LearningEvidence {
  project: string;
  /** What is reviewed, as the prompt says it: the finished project, or one merged stream of it. */
  subject: string;
  /** agency.yaml memory.maxEntriesPerRole: a role over it is asked to merge its entries. */
  maxEntries: number;
  /** Per role: its memory entries (ids shown when it is over its cap and may be merged) and its task attempts. */
  roles: { id: string; memory: { id: string; text: string }[]; overCap: boolean; tasks: { task: string; stream: string; outcome: string; rounds: number; checks: string | null; cost: string; feedback: string[] }[] }[];
  people: { by: string; about: string; text: string }[];
  /** Per tier and task kind (the role that did it). */
  tiers: { tier: string; role: string; attempts: number; acceptedFirstRound: number; escalated: number; failed: number; cost: string }[];
}

export interface ReviewInput {
  project: Project;
  tier: string;
  system: string;
  evidence: LearningEvidence;
  usage: UsageTotals;
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

/** A quote shorter than this says nothing on its own (a word of the instructions would pass). */
export const MIN_QUOTE = 12;

/**
 * What may be quoted: what the Collaborator and people said, nothing of the prompt's own words (its instructions, the
 * memory a role already carries), each piece on its own line so a quote cannot straddle two.
 */
export function evidenceCorpus(e: LearningEvidence): string {
  return [...e.roles.flatMap((r) => r.tasks.flatMap((t) => t.feedback)), ...e.people.map((p) => p.text)].map(squash).join("\n");
}

const quotable = (corpus: string, q: string) => squash(q).length >= MIN_QUOTE && corpus.includes(squash(q));

/** Quotes that are not in the evidence, one problem each. */
export function unquotedEvidence(reply: LearningReviewReply, corpus: string): string[] {
  const problems: string[] = [];
  const check = (where: string, quotes: readonly string[]) => {
    for (const q of quotes) if (!quotable(corpus, q)) problems.push(`${where}: the evidence ${JSON.stringify(q)} is not a quote of at least ${MIN_QUOTE} characters from what the Collaborator or people said; quote it word for word or drop the proposal`);
  };
  reply.lessons.forEach((l, i) => check(`lessons[${i}] (${l.role})`, l.evidence));
  reply.roleEdits.forEach((e, i) => check(`roleEdits[${i}] (${e.role} ${e.field})`, e.evidence));
  reply.observations.forEach((o, i) => check(`observations[${i}] (${o.for})`, o.evidence));
  return problems;
}

/** The reply with every proposal whose evidence is not in the evidence given left out; how many were. */
export function supportedOnly(reply: LearningReviewReply, corpus: string): { reply: LearningReviewReply; dropped: number } {
  const quoted = (quotes: readonly string[]) => quotes.every((q) => quotable(corpus, q));
  const lessons = reply.lessons.filter((l) => quoted(l.evidence));
  const roleEdits = reply.roleEdits.filter((e) => quoted(e.evidence));
  const observations = reply.observations.filter((o) => quoted(o.evidence));
  const dropped = reply.lessons.length - lessons.length + reply.roleEdits.length - roleEdits.length + reply.observations.length - observations.length;
  return { reply: { ...reply, lessons, roleEdits, observations }, dropped };
}

/** A merge must replace at least two of its own role's entries, each at most once across the reply. */
export function mergeProblems(merges: LearningReviewReply["merges"], evidence: LearningEvidence): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  merges.forEach((m, i) => {
    const own = new Set(evidence.roles.find((r) => r.id === m.role)?.memory.map((e) => e.id) ?? []);
    const ids = [...new Set(m.replaces)];
    for (const id of ids) {
      if (!own.has(id)) problems.push(`merges[${i}] (${m.role}): '${id}' is not one of ${m.role}'s memory entries`);
      else if (seen.has(id)) problems.push(`merges[${i}] (${m.role}): '${id}' is already replaced by an earlier merge`);
      seen.add(id);
    }
    if (ids.length < 2) problems.push(`merges[${i}] (${m.role}): a summary replaces at least two entries`);
  });
  return problems;
}

/**
 * A misquote gets one repair turn; what the repaired reply still cannot quote is left out (`dropped`) rather than
 * failing the review: a weak model's analysis and scores are still worth keeping, an unsupported proposal is not.
 */
export async function reviewProject(deps: AgentDeps, templates: Templates, input: ReviewInput): Promise<AgentReply<LearningReviewReply> & { dropped: number }> {
  const user = templates.render("learning.review", input.evidence);
  const corpus = evidenceCorpus(input.evidence);
  let repaired = false;
  const reply = await callAgent(deps, {
    project: input.project,
    agent: "learning",
    tier: input.tier,
    system: input.system,
    messages: [{ role: "user", content: user }],
    reply: "learning_review",
    schema: learningReviewSchema(
      input.evidence.roles.map((r) => r.id),
      Object.fromEntries(input.evidence.roles.filter((r) => r.overCap).map((r) => [r.id, r.memory.map((m) => m.id)])),
    ),
    check: (value) => {
      if (repaired) return [];
      const problems = [...unquotedEvidence(value, corpus), ...mergeProblems(value.merges, input.evidence)];
      repaired = problems.length > 0;
      return problems;
    },
    usage: input.usage,
  });
  const kept = supportedOnly(reply.value, corpus);
  // A merge still wrong after the repair is left out whole: a wrong id must never cost the memory an entry.
  const merges = kept.reply.merges.filter((m, i, all) => !mergeProblems(all.slice(0, i + 1), input.evidence).some((p) => p.startsWith(`merges[${i}]`)));
  return { ...reply, value: { ...kept.reply, merges }, dropped: kept.dropped + kept.reply.merges.length - merges.length };
}
