// A separate OS process that commits to a clone and pushes after every commit, so tests can race two real
// processes against one bare remote (or, with `commit-only`, against one repository's ref).
// Usage: node race-worker.ts <clone-dir> <branch> <label> <count> [<start-at-epoch-ms> [commit-only]]
import { setTimeout as sleep } from "node:timers/promises";
import { openGitStore } from "../../../engine/forge/git-store.ts";
import { TRAILER_KEYS } from "../../../engine/forge/trailers.ts";

const [dir, branch, label, count, startAt, mode] = process.argv.slice(2);
if (!dir || !branch || !label || !count) throw new Error("usage: race-worker.ts <clone-dir> <branch> <label> <count>");
const store = await openGitStore(dir);
// Both workers begin at the same instant, so their pushes really collide instead of running one after the other.
await sleep(Math.max(0, Number(startAt ?? 0) - Date.now()));
const pushes = [];
for (let i = 0; i < Number(count); i++) {
  await store.commitFiles({
    branch,
    files: [{ path: `out/${label}/${i}.md`, content: `${label} ${i}\n` }],
    message: `${label} task ${i}`,
    trailers: { [TRAILER_KEYS.task]: `${label}-${i}` },
  });
  if (mode !== "commit-only") pushes.push(await store.push(branch));
}
process.stdout.write(JSON.stringify(pushes));
