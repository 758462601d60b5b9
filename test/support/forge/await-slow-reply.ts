// Awaits, at top level, a reply that takes half a second (a git alias that sleeps, then echoes its input): the
// process must stay alive for it, then exit on its own. Usage: node await-slow-reply.ts <repo-dir>
import { BatchProcess, lineReply } from "../../../engine/forge/batch-process.ts";

const [dir] = process.argv.slice(2);
if (!dir) throw new Error("usage: await-slow-reply.ts <repo-dir>");
const slowEcho = new BatchProcess(dir, ["-c", "alias.slow-echo=!sleep 0.5; exec cat", "slow-echo"]);
process.stdout.write(await slowEcho.request("answer\n", lineReply));
