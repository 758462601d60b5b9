// Who is commanding from this terminal: the local user is the Director. `--by` names them; otherwise git's
// user.name when it is one of the agency's directors (by id, GitHub handle or name); otherwise the project's
// director. The name found is then authorized exactly as a commenter on GitHub is (commands/authorize.ts).
import { execFileSync } from "node:child_process";
import type { Agency, Project } from "../agency/types.gen.ts";
import { directorHandle } from "../agency/settings.ts";

export function localDirector(agency: Agency, project: Project | undefined, repoRoot: string, by: string | undefined): string {
  if (by !== undefined) return by.trim().replace(/^@/, "");
  const name = gitUserName(repoRoot)?.toLowerCase();
  const known = name ? agency.directors.find((d) => [d.id, d.github, d.name ?? ""].some((n) => n.toLowerCase() === name)) : undefined;
  if (known) return known.github;
  return directorHandle(agency, project);
}

function gitUserName(cwd: string): string | undefined {
  try {
    return execFileSync("git", ["config", "user.name"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
