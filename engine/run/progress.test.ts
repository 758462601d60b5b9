import { expect, it } from "vitest";
import { createProgress } from "./progress.ts";

it("off a terminal: one plain line per event; model calls only with --verbose", () => {
  const out: string[] = [];
  const p = createProgress((l) => out.push(l), { tty: false });
  p.emit({ kind: "start", project: "alpha", action: "draft", text: "[writer] Draft on small" });
  p.emit({ kind: "call", project: "alpha", text: "writer → small" });
  p.emit({ kind: "done", project: "alpha", action: "draft", text: "ok" });
  expect(out).toEqual(["[start] alpha draft: [writer] Draft on small\n", "[done] alpha draft: ok\n"]);
});

it("in GitHub Actions, interleaved tasks come out as one ::group:: each, and failures also as warnings", () => {
  const out: string[] = [];
  const p = createProgress((l) => out.push(l), { tty: false, annotate: true });
  p.emit({ kind: "start", project: "alpha", action: "a", text: "A starts" });
  p.emit({ kind: "start", project: "alpha", action: "b", text: "B starts" });
  p.emit({ kind: "revise", project: "alpha", action: "a", text: "A sent back" });
  p.emit({ kind: "failed", project: "alpha", action: "b", text: "B failed" });
  p.emit({ kind: "done", project: "alpha", action: "a", text: "A done" });
  p.emit({ kind: "info", project: "alpha", text: "no action: printed at once" });
  expect(out.join("")).toBe(
    "::group::alpha b: failed\n[start] alpha b: B starts\n[failed] alpha b: B failed\n::endgroup::\n" +
      "::warning title=ateams alpha::B failed\n" +
      "::group::alpha a: done\n[start] alpha a: A starts\n[revise] alpha a: A sent back\n[done] alpha a: A done\n::endgroup::\n" +
      "[info] alpha: no action: printed at once\n",
  );
});
