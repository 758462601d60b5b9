// Uses a store, then closes it with a top-level await (as the end of `ateams run` does): Node must wait for the
// processes to exit and then end normally, not quit early with "unsettled top-level await" (exit 13).
// Usage: node close-and-exit.ts <repo-dir>
import { openGitStore } from "../../../engine/forge/git-store.ts";

const [dir] = process.argv.slice(2);
if (!dir) throw new Error("usage: close-and-exit.ts <repo-dir>");
const store = await openGitStore(dir);
for (let i = 0; i < 50; i++) await store.resolveRef("HEAD");
await store.close();
process.stdout.write("closed");
