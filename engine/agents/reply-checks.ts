// What a reply schema cannot say, checked on a schema-valid reply: unique ids, references to ids declared in the
// same reply, paths that are safe to write. Each problem is one sentence quoting the value and where it is, so all of
// them can go back to the model in one repair turn (llm/structured.ts) and, if still broken, name the failure.
import { assertSafeRepoPath } from "../forge/safe-path.ts";
import type { PmDecompositionReply, PmOptionsReply, SpecialistWorkReply } from "../agency/types.gen.ts";
import type { FileText } from "./specialist.ts";

const q = (v: string) => JSON.stringify(v);

/** Positions of each value seen more than once, e.g. 'option-1' at options[0] and options[2]. */
function repeats(values: readonly string[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  values.forEach((v, i) => at.set(v, [...(at.get(v) ?? []), i]));
  return new Map([...at].filter(([, is]) => is.length > 1));
}

export function optionsProblems(reply: PmOptionsReply): string[] {
  const problems: string[] = [];
  const ids = reply.options.map((o) => o.id);
  for (const [id, is] of repeats(ids)) problems.push(`option id ${q(id)} is used by options[${is.join("], options[")}]: give each option its own id (option-1, option-2, …)`);
  if (!ids.includes(reply.recommended)) problems.push(`recommended ${q(reply.recommended)} is not one of the options (${ids.join(", ")})`);
  return problems;
}

/** Rules on the decomposition reply itself; plan-wide rules (cycles, unknown dependsOn) are checked on the plan it makes. */
export function decompositionProblems(reply: PmDecompositionReply, existingRoles: readonly string[]): string[] {
  const problems: string[] = [];
  const declared = reply.newRoles.map((r) => r.id);
  for (const [id, is] of repeats(declared)) problems.push(`new role ${q(id)} is declared twice (newRoles[${is.join("], newRoles[")}])`);
  const used = new Set<string>();
  reply.streams.forEach((s, si) =>
    s.tasks.forEach((t, ti) => {
      const where = `streams[${si}].tasks[${ti}] (${q(t.id)})`;
      used.add(t.role);
      if (!existingRoles.includes(t.role) && !declared.includes(t.role)) {
        problems.push(`${where}: role ${q(t.role)} is neither an existing role (${existingRoles.join(", ")}) nor declared in newRoles`);
      }
      for (const [c] of repeats(t.scores.map((x) => x.criterion))) problems.push(`${where}: criterion ${q(c)} is scored more than once; give one score per criterion`);
      for (const [r] of repeats(t.inputs)) problems.push(`${where}: input ${q(r)} is listed more than once`);
      t.outputs.forEach((o, oi) => {
        const why = unsafe(o.path);
        if (why) problems.push(`${where}.outputs[${oi}]: path ${q(o.path)} cannot be written (${why}); use a plain relative path such as "findings.md"`);
      });
    }),
  );
  for (const id of declared) if (existingRoles.includes(id)) problems.push(`new role ${q(id)} already exists: use it without redefining it`);
  return problems;
}

function unsafe(path: string): string | undefined {
  try {
    assertSafeRepoPath(path);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Only the declared outputs may be written, each exactly once and not blank. */
export function acceptFiles(declared: readonly string[], work: SpecialistWorkReply): { files: FileText[]; problems: string[] } {
  const problems: string[] = [];
  const files: FileText[] = [];
  for (const f of work.files) {
    const path = f.path.replace(/^\.\//, "");
    const why = unsafe(path);
    if (why) problems.push(`${q(f.path)} is not a usable file path (${why}); write only the paths this task declares (${declared.join(", ")})`);
    else if (!declared.includes(path)) problems.push(`${q(f.path)} is not one of the files this task writes (${declared.join(", ")}); write only those paths`);
    else if (files.some((x) => x.path === path)) problems.push(`${q(path)} was given twice`);
    else files.push({ path, content: f.content });
  }
  const missing = declared.filter((d) => !files.some((f) => f.path === d));
  if (missing.length) problems.push(`missing file(s): ${missing.join(", ")} — deliver the complete content of each`);
  for (const f of files) if (!f.content.trim()) problems.push(`${q(f.path)} is empty`);
  return { files, problems };
}
