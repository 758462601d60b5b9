// Who speaks to the agency and what a repository lets them do. Shared vocabulary: the commands room decides from it
// who may command (engine/commands/authorize.ts), and the GitHub adapter fills it in from events and the REST API,
// so neither has to import the other.

export interface Actor {
  login: string;
  type: "User" | "Bot" | "Organization";
}

/** Repository permission as `repos.getCollaboratorPermissionLevel` reports it (`role_name` for maintain/triage). */
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export type PermissionLookup = (login: string) => Promise<Permission>;

/** Reaction content names exactly as the GitHub REST API spells them. */
export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** How a command is answered where it was written: reactions, and optionally a reply. */
export interface Acknowledgement {
  reactions: Reaction[];
  /** Text to post as a reply to the comment. */
  reply?: string;
}
