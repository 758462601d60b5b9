// Whether an event is the agency's business. Pure: decided from the event alone, with no API call, so an event that
// does not concern the agency costs nothing at all. The engine's own comments (which start with an ateams marker)
// never concern it, which is what keeps it from answering itself. Commands are found by the reader the layer above
// hands in (engine/commands' parser bound to the agency's full command set, roles' own commands included).
import type { CommandReader } from "./command-reader.ts";
import { BRANCH_PREFIX } from "../forge/branch-name.ts";
import { parseMarker } from "./comment-marker.ts";
import type { AgencyEvent } from "./event-types.ts";
import { AGENCY_LABEL } from "./labels.ts";

export const AGENCY_DIR = "agency/";

function isAgencyBranch(branch: string | null): boolean {
  return branch !== null && branch.startsWith(`${BRANCH_PREFIX}/`);
}

export function concernsAgency(event: AgencyEvent, commands: Pick<CommandReader<unknown>, "parse">): boolean {
  switch (event.kind) {
    case "push":
      if (isAgencyBranch(event.branch)) return true;
      // A push to the default branch matters when it touches the agency's YAML, or when we cannot tell.
      return event.branch === event.defaultBranch && !event.deleted && (!event.filesKnown || event.changedFiles.some((f) => f.startsWith(AGENCY_DIR)));
    case "pull_request_closed":
      return isAgencyBranch(event.head);
    case "issue_comment":
      if (parseMarker(event.body)) return false;
      return commands.parse(event.body).length > 0 || event.labels.includes(AGENCY_LABEL) || isAgencyBranch(event.head);
    case "pull_request_review":
    case "pull_request_review_comment":
      if (parseMarker(event.body)) return false;
      return isAgencyBranch(event.head);
    case "workflow_dispatch":
    case "schedule":
      return true;
    case "ignored":
      return false;
  }
}
