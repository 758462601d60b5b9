// Event intake inside GitHub Actions: GITHUB_EVENT_NAME says what happened, GITHUB_EVENT_PATH holds the webhook
// payload. Outside Actions there is no event (undefined) and the engine polls instead (poll.ts).
import { GitHubEventError } from "./errors.ts";
import type { AgencyEvent } from "./event-types.ts";
import { parseEvent } from "./parse-event.ts";

export type { Actor, AgencyEvent, ReviewVerdict } from "./event-types.ts";
export { parseEvent } from "./parse-event.ts";

export type EventEnv = Readonly<Record<string, string | undefined>>;

/** Reads the Actions event; undefined when not running in Actions (no GITHUB_EVENT_NAME). */
export async function readEvent(env: EventEnv, readFile: (path: string) => string | Promise<string>): Promise<AgencyEvent | undefined> {
  const name = env.GITHUB_EVENT_NAME;
  if (!name) return undefined;
  const path = env.GITHUB_EVENT_PATH;
  if (!path) throw new GitHubEventError(name, "GITHUB_EVENT_PATH is not set");
  let text: string;
  try {
    text = await readFile(path);
  } catch (cause) {
    throw new GitHubEventError(name, `cannot read ${path}`, { cause });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (cause) {
    throw new GitHubEventError(name, `${path} is not JSON`, { cause });
  }
  return parseEvent(name, payload);
}
