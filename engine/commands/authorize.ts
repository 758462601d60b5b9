// Who may command: people with write access to the repository, and whoever the agency lists.
// Everyone else's command is ignored and logged; the caller gets a decision and a line saying why.
import type { Agency } from "../agency/types.gen.ts";

import type { Actor, Permission, PermissionLookup } from "../agency/actor.ts";

export type { Actor, Permission, PermissionLookup };

export interface Authorization {
  allowed: boolean;
  /** One human-readable line for the log. */
  reason: string;
}

const COMMANDING: ReadonlySet<Permission> = new Set(["admin", "maintain", "write"]);

/**
 * Decides whether an actor's commands are acted on.
 *
 * Listed first: a Director (`directors[].github`) or a handle in `commanders`, compared without case and without a
 * leading `@`. Otherwise a person with admin, maintain or write permission. A bot is never judged by permission,
 * because an app installed with write access would otherwise command by default; it must be listed by its exact
 * login (`renovate[bot]`), and an unlisted bot is refused without a lookup.
 *
 * A failing lookup rejects: an outage must surface as an error to retry, not as a refusal the run then skips past.
 */
export async function authorize(actor: Actor, agency: Agency, permissionLookup: PermissionLookup): Promise<Authorization> {
  const login = normalize(actor.login);
  const director = agency.directors.find((d) => normalize(d.github) === login);
  if (director) return { allowed: true, reason: `${actor.login} is director '${director.id}'` };
  if ((agency.commanders ?? []).some((c) => normalize(c) === login)) {
    return { allowed: true, reason: `${actor.login} is listed in agency.yaml commanders` };
  }
  if (actor.type === "Bot") {
    return { allowed: false, reason: `${actor.login} is a bot not listed in agency.yaml commanders; ignored` };
  }
  const permission = await permissionLookup(actor.login);
  if (COMMANDING.has(permission)) return { allowed: true, reason: `${actor.login} has ${permission} permission` };
  return {
    allowed: false,
    reason: `${actor.login} has ${permission} permission; commands need write, maintain or admin, or a listing in agency.yaml commanders; ignored`,
  };
}

function normalize(handle: string): string {
  return handle.trim().replace(/^@/, "").toLowerCase();
}
