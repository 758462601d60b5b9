// Checks that need more than one file: references, duplicate ids, dependency cycles. Pure: model + sources in.
import { basename } from "node:path";
import { BUILTIN_COMMAND_NAMES } from "./builtin-commands.ts";
import { settleDiagnostics, type PendingDiagnostic } from "./capped-diagnostics.ts";
import type { Diagnostic } from "./diagnostic.ts";
import type { AgencyModel, LoadedProject, Sources } from "./model.ts";
import { locate, type PathSegment } from "./parse-yaml.ts";
import { suggest } from "./suggest.ts";
import type { Plan } from "./types.gen.ts";

/** Stream ids that would collide with the per-project branches (engine/forge/branch-name.ts); plans may not use them. */
export const RESERVED_STREAM_IDS: readonly string[] = ["plan", "assembly", "learning"];

export interface KnownIds {
  /** Role ids from file names, including roles whose file failed validation. */
  roleIds: ReadonlySet<string>;
  projectIds: ReadonlySet<string>;
  /** roles/ could not be listed (reported already): skip role references rather than flag every task. */
  rolesUnreadable?: boolean;
}

export function crossCheck(model: AgencyModel, sources: Sources, known: KnownIds): Diagnostic[] {
  // Found problems wait here and are located (and their spelling hints computed) only if shown: a role listing
  // 60,000 unknown tools is one mistake, and locating each one made the check quadratic.
  const pending: PendingDiagnostic[] = [];
  type Message = string | (() => string);
  const report = (severity: "error" | "warning", file: string, path: PathSegment[], message: Message, key = false) => {
    const parsed = sources.get(file);
    pending.push({
      severity,
      file,
      locate: () => (parsed ? locate(parsed, path, { key }) : [1, 1]),
      message: typeof message === "string" ? () => message : message,
    });
  };
  const err = (file: string, path: PathSegment[], message: Message, key = false) => report("error", file, path, message, key);
  const unknown = (what: string, id: string, known: () => Iterable<string>) => () => {
    const hint = suggest(id, known());
    return `unknown ${what} '${id}'${hint ? ` (did you mean '${hint}'?)` : ""}`;
  };

  const a = model.spec;
  const af = model.file;
  const tierIds = new Set(a.models.tiers.map((t) => t.id));
  const criteria = new Set(a.models.routing.criteria.map((c) => c.id));
  const directorIds = new Set(a.directors.map((d) => d.id));

  duplicates(a.directors.map((d) => d.id), (i, id) => err(af, ["directors", i, "id"], `duplicate director id '${id}'`));
  duplicates(a.models.tiers.map((t) => t.id), (i, id) => err(af, ["models", "tiers", i, "id"], `duplicate tier id '${id}'`));
  duplicates(a.models.routing.criteria.map((c) => c.id), (i, id) =>
    err(af, ["models", "routing", "criteria", i, "id"], `duplicate routing criterion '${id}'`),
  );
  a.models.routing.thresholds.forEach((t, i) => {
    if (!tierIds.has(t.tier)) err(af, ["models", "routing", "thresholds", i, "tier"], unknown("tier", t.tier, () => tierIds));
  });
  duplicates(a.models.routing.thresholds.map((t) => String(t.minScore)), (i) =>
    err(af, ["models", "routing", "thresholds", i, "minScore"], "two thresholds share this minScore"),
  );
  if (!a.models.routing.thresholds.some((t) => t.minScore <= 1)) {
    err(af, ["models", "routing", "thresholds"], "no threshold has minScore ≤ 1, so low-scoring tasks would get no tier");
  }
  for (const agent of ["projectManager", "collaborator", "learningManager"] as const) {
    const tier = a[agent]?.tier;
    if (tier && !tierIds.has(tier)) err(af, [agent, "tier"], unknown("tier", tier, () => tierIds));
  }
  duplicates((a.tools ?? []).map((t) => t.id), (i, id) => err(af, ["tools", i, "id"], `duplicate tool id '${id}'`));
  duplicates((a.resources ?? []).map((r) => r.id), (i, id) => err(af, ["resources", i, "id"], `duplicate resource id '${id}'`));

  const allTools = new Set((a.tools ?? []).map((t) => t.id));
  for (const p of model.projects.values()) for (const t of p.spec.tools ?? []) allTools.add(t.id);

  for (const role of model.roles.values()) {
    const f = role.file;
    const fileId = basename(f).replace(/\.ya?ml$/, "");
    if (role.spec.id !== fileId) err(f, ["id"], `role id '${role.spec.id}' must match its file name '${fileId}'`);
    if (role.spec.preferredTier && !tierIds.has(role.spec.preferredTier)) {
      err(f, ["preferredTier"], unknown("tier", role.spec.preferredTier, () => tierIds));
    }
    (role.spec.tools ?? []).forEach((t, i) => {
      if (!allTools.has(t)) err(f, ["tools", i], unknown("tool", t, () => allTools));
    });
    const cmds = role.spec.commands ?? [];
    cmds.forEach((c, i) => {
      if (BUILTIN_COMMAND_NAMES.has(c.name)) err(f, ["commands", i, "name"], `${c.name} is a built-in command and cannot be redefined`);
    });
    duplicates(cmds.map((c) => c.name), (i, n) => err(f, ["commands", i, "name"], `duplicate command '${n}'`));
  }

  for (const p of model.projects.values()) checkProject(p);

  function checkProject(p: LoadedProject): void {
    const f = p.file;
    if (p.spec.id !== p.id) err(f, ["id"], `project id '${p.spec.id}' must match its directory name '${p.id}'`);
    if (p.spec.director && !directorIds.has(p.spec.director)) err(f, ["director"], unknown("director", p.spec.director, () => directorIds));
    duplicates((p.spec.tools ?? []).map((t) => t.id), (i, id) => err(f, ["tools", i, "id"], `duplicate tool id '${id}'`));
    duplicates((p.spec.resources ?? []).map((r) => r.id), (i, id) => err(f, ["resources", i, "id"], `duplicate resource id '${id}'`));
    duplicates((p.spec.humanSpecialists ?? []).map((h) => h.github.toLowerCase()), (i, h) =>
      err(f, ["humanSpecialists", i, "github"], `duplicate human specialist '${h}'`),
    );
    if (p.plan) checkPlan(p, p.plan);
    if (p.status && p.status.project !== p.id) {
      err(p.statusFile, ["project"], `status belongs to project '${p.status.project}', not '${p.id}'`);
    }
    if (p.status?.tasks && p.plan) {
      const taskIds = new Set((p.plan.streams ?? []).flatMap((s) => s.tasks.map((t) => t.id)));
      for (const id of Object.keys(p.status.tasks)) {
        if (!taskIds.has(id)) report("warning", p.statusFile, ["tasks", id], `status records task '${id}', which the plan no longer has`, true);
      }
    }
  }

  function checkPlan(p: LoadedProject, plan: Plan): void {
    const f = p.planFile;
    if (plan.project !== p.id) err(f, ["project"], `plan belongs to project '${plan.project}', not '${p.id}'`);
    const optionIds = new Set(plan.options.map((o) => o.id));
    duplicates(plan.options.map((o) => o.id), (i, id) => err(f, ["options", i, "id"], `duplicate option id '${id}'`));
    if (!optionIds.has(plan.recommended)) err(f, ["recommended"], () => `recommended ${unknown("option", plan.recommended, () => optionIds)()}`);
    const { chosen, basedOn } = plan;
    if (chosen && !optionIds.has(chosen)) err(f, ["chosen"], () => `chosen ${unknown("option", chosen, () => optionIds)()}`);
    if (plan.approval && !plan.chosen) err(f, ["approval"], "approval is recorded but no option is chosen");
    const streams = plan.streams ?? [];
    if (basedOn && !optionIds.has(basedOn)) err(f, ["basedOn"], () => `basedOn ${unknown("option", basedOn, () => optionIds)()}`);
    if (streams.length && !plan.basedOn) err(f, ["streams"], "streams are given but basedOn does not say which option they decompose");

    const resources = new Set([...(a.resources ?? []), ...(p.spec.resources ?? [])].map((r) => r.id));
    const humans = new Set((p.spec.humanSpecialists ?? []).map((h) => h.github.toLowerCase()));
    const taskAt = new Map<string, PathSegment[]>();
    const deps = new Map<string, readonly string[]>();
    duplicates(streams.map((s) => s.id), (i, id) => err(f, ["streams", i, "id"], `duplicate stream id '${id}'`));
    streams.forEach((s, si) => {
      const sp: PathSegment[] = ["streams", si];
      if (RESERVED_STREAM_IDS.includes(s.id)) err(f, [...sp, "id"], `stream id '${s.id}' is reserved for the project's ${s.id} branch`);
      if (s.collaborator?.tier && !tierIds.has(s.collaborator.tier)) {
        err(f, [...sp, "collaborator", "tier"], unknown("tier", s.collaborator.tier, () => tierIds));
      }
      (s.humanSpecialists ?? []).forEach((h, i) => {
        if (!humans.has(h.toLowerCase())) err(f, [...sp, "humanSpecialists", i], `'${h}' is not one of the project's humanSpecialists`);
      });
      const outputs = new Map<string, string>();
      s.tasks.forEach((t, ti) => {
        const tp: PathSegment[] = [...sp, "tasks", ti];
        if (taskAt.has(t.id)) err(f, [...tp, "id"], `duplicate task id '${t.id}' (task ids are unique across the project)`);
        else taskAt.set(t.id, tp);
        deps.set(t.id, t.dependsOn ?? []);
        if (!known.rolesUnreadable && !known.roleIds.has(t.role)) err(f, [...tp, "role"], unknown("role", t.role, () => known.roleIds));
        if (t.tier && !tierIds.has(t.tier)) err(f, [...tp, "tier"], unknown("tier", t.tier, () => tierIds));
        for (const c of Object.keys(t.scores ?? {})) {
          if (!criteria.has(c)) err(f, [...tp, "scores", c], unknown("routing criterion", c, () => criteria), true);
        }
        (t.inputs ?? []).forEach((input, ii) => {
          if (input.resource && !resources.has(input.resource)) err(f, [...tp, "inputs", ii, "resource"], unknown("resource", input.resource, () => resources));
        });
        t.outputs.forEach((o, oi) => {
          const prior = outputs.get(o.path);
          if (prior) err(f, [...tp, "outputs", oi, "path"], `output '${o.path}' is also written by task '${prior}' in this stream`);
          else outputs.set(o.path, t.id);
        });
      });
    });
    for (const [id, ds] of deps) {
      ds.forEach((d, i) => {
        const tp = taskAt.get(id)!;
        if (d === id) err(f, [...tp, "dependsOn", i], `task '${id}' depends on itself`);
        else if (!taskAt.has(d)) err(f, [...tp, "dependsOn", i], unknown("task", d, () => taskAt.keys()));
      });
    }
    const cycle = findCycle(deps);
    if (cycle) {
      const first = cycle[0]!;
      const tp = taskAt.get(first)!;
      const next = cycle[1]!;
      err(f, [...tp, "dependsOn", (deps.get(first) ?? []).indexOf(next)], `dependency cycle: ${describeCycle(cycle)}`);
    }
  }

  return settleDiagnostics(pending);
}

function duplicates(ids: readonly string[], onDuplicate: (index: number, id: string) => void): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) onDuplicate(i, id);
    seen.add(id);
  });
}

/**
 * First cycle found by DFS, as a closed walk `a → b → a`; self-loops and unknown ids are reported elsewhere.
 * Iterative: a chain of thousands of tasks must not overflow the call stack.
 */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  /** Position of each task on the current path, so the cycle is cut out without a search. */
  const onPath = new Map<string, number>();
  const path: string[] = [];
  const next: number[] = [];
  for (const root of [...deps.keys()].sort()) {
    if (state.has(root)) continue;
    state.set(root, 1);
    onPath.set(root, 0);
    path.push(root);
    next.push(0);
    while (path.length) {
      const top = path.length - 1;
      const id = path[top]!;
      const ds = deps.get(id) ?? [];
      const i = next[top]!;
      if (i === ds.length) {
        path.pop();
        next.pop();
        onPath.delete(id);
        state.set(id, 2);
        continue;
      }
      next[top] = i + 1;
      const d = ds[i]!;
      if (d === id || !deps.has(d)) continue;
      if (state.get(d) === 1) return [...path.slice(onPath.get(d)!), d];
      if (!state.has(d)) {
        state.set(d, 1);
        onPath.set(d, path.length);
        path.push(d);
        next.push(0);
      }
    }
  }
  return undefined;
}

/** `a → b → … → a`, shortened in the middle when the cycle is long enough to flood a terminal. */
export function describeCycle(cycle: readonly string[], max = 12): string {
  if (cycle.length <= max) return cycle.join(" → ");
  const head = cycle.slice(0, max / 2);
  const tail = cycle.slice(-max / 2);
  return `${head.join(" → ")} → … (${cycle.length - max} more) → ${tail.join(" → ")}`;
}
