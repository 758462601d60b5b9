// Before a run on GitHub: the engine's branches as the remote has them (other jobs of the same workflow pushed
// stream work there), fast-forwarded locally. Local work that the remote lacks stays; the push replays it.
import { createGitRunner } from "../forge/index.ts";
import type { Workspace } from "../run/workspace.ts";

export async function fetchEngineBranches(ws: Workspace, remote: string): Promise<{ updated: string[] }> {
  const git = createGitRunner(ws.repoRoot);
  const remotes = (await git.text(["remote"])).split("\n").map((r) => r.trim());
  if (!remotes.includes(remote)) return { updated: [] };
  await git.text(["fetch", "--no-tags", "--quiet", remote, `+refs/heads/ateams/*:refs/remotes/${remote}/ateams/*`]);
  const listing = await git.text(["for-each-ref", "--format=%(objectname) %(refname)", `refs/remotes/${remote}/ateams/`]);
  const updated: string[] = [];
  for (const line of listing.split("\n").filter(Boolean)) {
    const [remoteTip, ref] = line.split(" ") as [string, string];
    const branch = ref.slice(`refs/remotes/${remote}/`.length);
    const local = await ws.store.resolveRef(`refs/heads/${branch}`);
    if (local === remoteTip) continue;
    // Fast-forward only: a local tip the remote lacks is newer work, kept for the push to replay.
    const base = local ? (await git.run(["merge-base", local, remoteTip], { ok: "any" })).stdout.trim() : undefined;
    if (local && base !== local) continue;
    await git.text(["update-ref", `refs/heads/${branch}`, remoteTip, ...(local ? [local] : [])]);
    updated.push(branch);
  }
  return { updated };
}

/** The engine's branches whose local tip differs from the remote's: what the push must send. */
export async function branchesToPush(ws: Workspace, remote: string): Promise<string[]> {
  const git = createGitRunner(ws.repoRoot);
  const local = await git.text(["for-each-ref", "--format=%(objectname) %(refname:short)", "refs/heads/ateams/"]);
  const out: string[] = [];
  for (const line of local.split("\n").filter(Boolean)) {
    const [sha, branch] = line.split(" ") as [string, string];
    if ((await ws.store.resolveRef(`refs/remotes/${remote}/${branch}`)) !== sha) out.push(branch);
  }
  return out;
}
