// What the GitHub side of a run needs: the API, the repository's identity, the local git workspace it pushes
// from, and the templates for bodies and replies.
import type { GitHubForge } from "../github/index.ts";
import type { Templates } from "../prompts/templates.ts";
import type { Progress } from "../run/progress.ts";
import type { Workspace } from "../run/workspace.ts";

export interface GitHubRunContext {
  forge: GitHubForge;
  owner: string;
  repo: string;
  /** e.g. https://github.com, for links in bodies and replies. */
  serverUrl: string;
  /** The remote the engine pushes to and fetches from. */
  remote: string;
  /** The branch PRs target (the working branch). */
  base: string;
  ws: Workspace;
  templates: Templates;
  progress: Progress;
  now(): string;
  /**
   * The projects this run reconciles (`--project`), when not all. Actions runs one reconcile job per project and
   * tells each of every event: a comment on another project's PR is that project's job's to take in.
   */
  projects?: ReadonlySet<string>;
}

/** Where the GitHub side runs from, read from the Actions environment (or given explicitly outside it). */
export interface GitHubSettings {
  token: string;
  owner: string;
  repo: string;
  apiUrl: string;
  serverUrl: string;
}

export function githubSettingsFrom(env: NodeJS.ProcessEnv): GitHubSettings | undefined {
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!token || !owner || !repo) return undefined;
  return { token, owner, repo, apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com" };
}
