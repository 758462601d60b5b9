// Awaits, at top level, a request whose git dies instead of answering, while something it started still holds
// stderr open for a moment (as a dying update-ref's stderr can end after its exit): the request must fail with what
// git said, and the program must not end before that. Usage: node await-death.ts <repo-dir>
import { BatchProcess, lineReply } from "../../../engine/forge/batch-process.ts";

const [dir] = process.argv.slice(2);
if (!dir) throw new Error("usage: await-death.ts <repo-dir>");
const dies = new BatchProcess(dir, ["-c", "alias.die=!read line; (exec >&-; sleep 0.3; echo late word >&2) & echo refused >&2; exit 1", "die"]);
try {
  await dies.request("question\n", lineReply);
  process.stdout.write("answered");
} catch (e) {
  process.stdout.write(`failed: ${(e as Error).message.replace(/\s+/g, " ")}`);
}
