// Uses a store (a read and a commit, so every long-lived process is started) and ends without closing it: the
// process must still exit on its own, promptly. Usage: node use-and-exit.ts <repo-dir>
import { openGitStore } from "../../../engine/forge/git-store.ts";

const [dir] = process.argv.slice(2);
if (!dir) throw new Error("usage: use-and-exit.ts <repo-dir>");
const store = await openGitStore(dir);
await store.commitFiles({ branch: "ateams/p/exit", files: [{ path: "exit.md", content: "bye\n" }], message: "exit" });
process.stdout.write(String(await store.readFile("ateams/p/exit", "exit.md")));
