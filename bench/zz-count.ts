import cp from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
const counts = new Map<string, number>();
const orig = cp.spawn;
(cp as any).spawn = function (cmd: string, args: string[], ...rest: unknown[]) {
  const k = `${cmd} ${(args ?? []).filter((a) => !a.startsWith("-c") && !a.includes("=")).slice(0, 2).join(" ")}`;
  counts.set(k, (counts.get(k) ?? 0) + 1);
  return (orig as any).call(this, cmd, args, ...rest);
};
const origSync = cp.spawnSync;
(cp as any).spawnSync = function (cmd: string, args: string[], ...rest: unknown[]) {
  const k = `SYNC ${cmd} ${(args ?? []).slice(0, 2).join(" ")}`;
  counts.set(k, (counts.get(k) ?? 0) + 1);
  return (origSync as any).call(this, cmd, args, ...rest);
};
syncBuiltinESMExports();
await import("./zz-prof.ts");
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(String(v).padStart(5), k);
