// The commands room decides who may command (engine/commands/authorize.ts) from a permission lookup; this is that
// lookup on GitHub, remembered for the life of one run so a busy PR costs one read per person. A failed lookup is
// forgotten (and rejects), so an outage is retried rather than taken for "no permission".
import type { PermissionLookup } from "../agency/actor.ts";
import type { GitHubForge } from "./types.ts";

export function cachedPermissionLookup(forge: GitHubForge): PermissionLookup {
  const answers = new Map<string, ReturnType<PermissionLookup>>();
  return (login) => {
    const key = login.toLowerCase();
    let answer = answers.get(key);
    if (!answer) {
      answer = forge.getPermission(login);
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return answer;
  };
}
