// A temp git repository holding a copy of an agency, as a user's checkout would.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempRepo {
  root: string;
  agency: string;
  git: (...args: string[]) => string;
  cleanup: () => Promise<void>;
}

/** The real git in `cwd`, as a developer with a configured identity (a fresh CI machine has none). */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" },
  }).trim();
}

export async function tempRepoWithAgency(source: string): Promise<TempRepo> {
  const root = await mkdtemp(join(tmpdir(), "ateams-repo-"));
  const git = (...args: string[]) => gitIn(root, ...args);
  git("init", "-q", "-b", "main");
  await cp(source, join(root, "agency"), { recursive: true });
  git("add", "-A");
  git("commit", "-q", "-m", "agency");
  return { root, agency: join(root, "agency"), git, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Commits `pricing-study-eu`, a project shaped like the example's pricing-study (same objectives, no plan yet):
 * a second project for the same team, doing the same kind of work.
 */
export async function addPricingStudyEu(repo: TempRepo): Promise<void> {
  const eu = join(repo.agency, "projects", "pricing-study-eu");
  await cp(join(repo.agency, "projects", "pricing-study"), eu, { recursive: true });
  const text = await readFile(join(eu, "project.yaml"), "utf8");
  await writeFile(join(eu, "project.yaml"), text.replace("id: pricing-study", "id: pricing-study-eu").replace("name: Hooklet pricing after launch", "name: Hooklet pricing in the EU"));
  repo.git("add", "-A");
  repo.git("commit", "-qm", "pricing-study-eu");
}
