// Temp copies of fixture agencies, edits to them, and a "settle" that records every task as done the way
// the run engine does, so planner and fingerprint tests start from a fully reconciled state.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fingerprintTasks, roleVersion } from "../../engine/plan/fingerprint.ts";
import { assemblyFingerprint, learningFingerprint, streamFingerprint } from "../../engine/plan/plan-project.ts";
import { loadTemplates, type Templates } from "../../engine/prompts/templates.ts";
import { loadAgency } from "../../engine/agency/load-agency.ts";
import type { AgencyModel } from "../../engine/agency/model.ts";
import { outputKey } from "../../engine/agency/model.ts";
import { emptyStatus, recordAssembly, recordStream, recordTaskDone } from "../../engine/status/record.ts";
import { serializeStatus } from "../../engine/status/serialize.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const AT = "2026-11-21T12:00:00Z";

/** Copies a fixture (name under test/fixtures, or an absolute path) to a fresh temp dir; returns its path. */
export async function tempAgency(fixture = "mini"): Promise<{ root: string; agency: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "ateams-test-"));
  const agency = join(root, "agency");
  await cp(fixture.startsWith("/") ? fixture : join(FIXTURES, fixture), agency, { recursive: true });
  return { root, agency, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function write(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** Replaces the first occurrence of `from` in a file; fails loudly if absent so a test cannot silently no-op. */
export async function edit(path: string, from: string, to: string): Promise<void> {
  const text = await readFile(path, "utf8");
  if (!text.includes(from)) throw new Error(`edit: '${from}' not found in ${path}`);
  await writeFile(path, text.replace(from, to));
}

export async function load(agency: string): Promise<AgencyModel> {
  const r = await loadAgency(agency);
  if (!r.ok) throw new Error(`fixture invalid:\n${r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`).join("\n")}`);
  return r.model;
}

/** Writes every declared output and a status.yaml recording all tasks, streams and the assembly as done. */
export async function settle(agency: string, templates?: Templates): Promise<void> {
  const t = templates ?? (await loadTemplates());
  const before = await load(agency);
  for (const p of before.projects.values()) {
    for (const s of p.plan?.streams ?? []) {
      for (const task of s.tasks) {
        for (const o of task.outputs) {
          const file = join(p.dir, "outputs", s.id, o.path);
          if (!(await stat(file).catch(() => undefined))) await write(file, `# ${task.title}\n\nOutput of ${task.id}.\n`);
        }
      }
    }
  }
  const model = await load(agency);
  for (const p of model.projects.values()) {
    if (!p.plan?.streams?.length) continue;
    const prints = fingerprintTasks(model, p, t);
    let status = p.status ?? emptyStatus(p.id);
    for (const [id, fp] of prints) {
      const outputs = fp.task.outputs.map((o) => ({ path: o.path, blob: p.outputs.get(outputKey(fp.stream.id, o.path))!.blob }));
      status = recordTaskDone(status, id, { fingerprint: fp.fingerprint, parts: fp.parts, tier: fp.routing.tier, model: fp.routing.model, outputs, roleVersion: roleVersion(model, fp.task.role), at: AT });
    }
    for (const s of p.plan.streams) {
      const sfp = streamFingerprint(s, prints);
      status = recordStream(recordStream(status, s.id, "verified", sfp, AT), s.id, "accepted", sfp, AT, "octocat");
    }
    const assembly = assemblyFingerprint(p, prints, t);
    status = { ...recordAssembly(status, assembly, AT), learning: { fingerprint: learningFingerprint(assembly), at: AT } };
    await writeFile(p.statusFile, serializeStatus(status));
  }
}

/** Every file under a directory with its content, to prove a command wrote nothing. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(p, await readFile(p, "base64"));
      else out.set(p, `<${e.isSymbolicLink() ? "link" : "special"}>`);
    }
  };
  await walk(dir);
  return out;
}
