// A person accepts a finished stream: the planner must show it verified and waiting, then its branch is merged into
// the working branch and the acceptance is recorded against the stream's current fingerprint. Shared by
// `ateams approve --stream` and `/approve` on a stream PR; the caller commits the returned status its own way.
import type { MergeResult, Trailers } from "../forge/index.ts";
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { planAgency } from "../plan/plan.ts";
import { streamFingerprint } from "../plan/plan-project.ts";
import type { Templates } from "../prompts/templates.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Status } from "../agency/types.gen.ts";
import { streamReview, type ReviewOptions } from "../status/approval.ts";
import { clearProjectCondition, emptyStatus, recordStream } from "../status/record.ts";
import { trailers as commitTrailers } from "./run-context.ts";
import type { Workspace } from "./workspace.ts";

export type StreamAcceptance =
  /** Not waiting for a person: `message` says why. Nothing was changed. */
  | { kind: "refused"; message: string }
  /** Already accepted with the current fingerprint. Nothing was changed. */
  | { kind: "already"; message: string }
  /** The merge conflicts; nothing was changed. */
  | { kind: "conflict"; branch: string; paths: string[] }
  /** Merged (or already part of the working branch); `status` records the acceptance and is not yet committed. */
  | { kind: "accepted"; branch: string; fingerprint: string; merged: Exclude<MergeResult, { status: "conflict" }>; status: Status; trailers: Trailers };

export interface Acceptor {
  by: string;
  at: string;
}

export async function acceptStream(
  ws: Workspace,
  model: AgencyModel,
  project: LoadedProject,
  stream: string,
  templates: Templates,
  who: Acceptor,
  options: ReviewOptions = {},
): Promise<StreamAcceptance> {
  const spec = project.plan?.streams?.find((s) => s.id === stream);
  if (!spec) return { kind: "refused", message: `project ${project.id} has no stream '${stream}' in its plan` };
  const [plan] = planAgency(model, templates, [project.id]).projects;
  const prints = fingerprintTasks(model, project, templates);
  const fingerprint = streamFingerprint(spec, prints);
  const decision = streamReview(plan!, project.status, stream, fingerprint, options);
  if (decision.kind === "refuse" || decision.kind === "already") return { kind: decision.kind === "refuse" ? "refused" : "already", message: decision.message };

  const tr = commitTrailers({ project: project.id, kind: "accept", stream, fingerprint });
  const branch = ws.streamBranchOf(project.id, stream);
  const merged = await ws.mergeStream(project.id, stream, `ateams: merge ${project.id}/${stream}, accepted by ${who.by}`, tr);
  if (merged.status === "conflict") return { kind: "conflict", branch, paths: merged.paths };
  const status = recordStream(project.status ?? emptyStatus(project.id), stream, "accepted", fingerprint, who.at, who.by, merged.sha);
  // The project waits for review only while some other stream still does.
  const othersWaiting = plan!.actions.some((a) => a.kind === "await-review" && a.stream !== stream);
  const next = othersWaiting ? status : clearProjectCondition(status, "AwaitingApproval", "StreamsAwaitingReview");
  return { kind: "accepted", branch, fingerprint, merged, status: next, trailers: tr };
}
