// Where a person wrote, as the commands room needs it (a CommandContext): the PR's head branch names the project
// and whether it is the plan, a stream or the assembly (forge/branch-name.ts); an issue names its project with a
// `project:<id>` label, or there is only one project. A PR from any other branch is none of the agency's business.
import type { CommandContext } from "../commands/effect.ts";
import { parseBranchName } from "../forge/branch-name.ts";
import type { AgencyEvent, GitHubForge } from "../github/index.ts";
import type { AgencyModel } from "../agency/model.ts";
import { assertNever } from "../agency/assert-never.ts";

export type CommentPlace =
  /** The event carries nothing a person wrote (a push, a closed PR, a dispatch, a schedule). */
  | { kind: "none" }
  /** Written on a PR that is not the agency's: ignored, like any other repository activity. */
  | { kind: "foreign"; head: string }
  | { kind: "context"; ctx: CommandContext }
  /** An issue that names no project when the agency has several: commands there are refused with `reason`. */
  | { kind: "unresolved"; reason: string };

const PROJECT_LABEL = /^project:(.+)$/;

/** `agencyPath`: the agency directory's repository path, against which a review comment's file is matched. */
export async function commentPlace(forge: GitHubForge, event: AgencyEvent, model: AgencyModel, agencyPath?: string): Promise<CommentPlace> {
  switch (event.kind) {
    case "issue_comment": {
      const who = { author: event.author.login, at: event.at, url: event.url };
      if (!event.isPullRequest) return issuePlace(event.labels, model, who);
      // An Actions issue_comment payload does not carry the PR's head; polling does.
      const head = event.head ?? (await forge.getPullRequest(event.issueNumber)).head;
      return prPlace(head, who);
    }
    case "pull_request_review":
      return prPlace(event.head, { author: event.author.login, at: event.at, url: event.url });
    case "pull_request_review_comment":
      return prPlace(event.head, {
        author: event.author.login,
        at: event.at,
        url: event.url,
        file: event.path,
        ...(event.line !== null ? { line: event.line } : {}),
        ...(agencyPath !== undefined ? { agencyPath } : {}),
      });
    case "push":
    case "pull_request_closed":
    case "workflow_dispatch":
    case "schedule":
    case "ignored":
      return { kind: "none" };
    default:
      return assertNever(event);
  }
}

type Who = Pick<CommandContext, "author" | "at" | "url" | "file" | "line" | "agencyPath">;

function prPlace(head: string, who: Who): CommentPlace {
  const branch = parseBranchName(head);
  if (!branch) return { kind: "foreign", head };
  if (branch.kind === "stream") return { kind: "context", ctx: { kind: "stream-pr", project: branch.project, stream: branch.stream, ...who } };
  // The learning PR is about the project as a whole: its commands mean what they mean on the project's issue.
  if (branch.kind === "learning") return { kind: "context", ctx: { kind: "issue", project: branch.project, ...who } };
  return { kind: "context", ctx: { kind: branch.kind === "plan" ? "plan-pr" : "assembly-pr", project: branch.project, ...who } };
}

function issuePlace(labels: readonly string[], model: AgencyModel, who: Who): CommentPlace {
  const named = [...new Set(labels.flatMap((l) => PROJECT_LABEL.exec(l)?.[1] ?? []))];
  const ids = [...model.projects.keys()].sort();
  if (named.length > 1) return { kind: "unresolved", reason: `this issue has several project labels (${named.map((n) => `project:${n}`).join(", ")}); keep one` };
  const project = named[0] ?? (ids.length === 1 ? ids[0] : undefined);
  if (project === undefined) {
    return { kind: "unresolved", reason: `say which project this is about: label the issue \`project:<id>\` (projects: ${ids.join(", ")})` };
  }
  return { kind: "context", ctx: { kind: "issue", project, ...who } };
}
