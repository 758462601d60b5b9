// A stream a person merged (the stream PR on GitHub, or `git merge` by hand) is accepted: its branch tip is in the
// working branch and its Collaborator had passed it for exactly these inputs. Observed, not told.
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { streamFingerprint } from "../plan/plan-project.ts";
import type { AgencyModel } from "../agency/model.ts";
import { recordStream } from "../status/record.ts";
import { trailers, type RunContext } from "./run-context.ts";

export async function acceptMergedStreams(ctx: RunContext, model: AgencyModel, only?: readonly string[]): Promise<number> {
  let accepted = 0;
  for (const project of model.projects.values()) {
    if ((only?.length && !only.includes(project.id)) || !project.plan?.streams?.length) continue;
    const prints = fingerprintTasks(model, project, ctx.templates);
    for (const stream of project.plan.streams) {
      const rec = project.status?.streams?.[stream.id];
      const fp = streamFingerprint(stream, prints);
      if (rec?.verified?.fingerprint !== fp || rec.accepted?.fingerprint === fp) continue;
      // The branch may be gone (GitHub deletes merged head branches when asked to): the verified tip tells.
      const tip = (await ctx.ws.store.resolveRef(ctx.ws.streamBranchOf(project.id, stream.id))) ?? rec.verified.commit;
      if (!tip || !(await ctx.ws.isMerged(tip))) continue;
      await ctx.status(project).update(
        (s) => recordStream(s, stream.id, "accepted", fp, ctx.now(), "merged", tip),
        `ateams: ${project.id}/${stream.id} accepted (merged)`,
        trailers({ project: project.id, kind: "accept", stream: stream.id, fingerprint: fp }),
      );
      ctx.progress.emit({ kind: "done", project: project.id, action: `stream ${stream.id}`, text: "merged by a person: accepted" });
      accepted++;
    }
  }
  return accepted;
}
