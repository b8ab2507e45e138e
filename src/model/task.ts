/**
 * The two jobs a model run can do, and the files each one owns in a document folder. One home for
 * the word, so the planner, the prompts, the writer and the report agree.
 */
export type Task = "summarize" | "figures";

export const TASKS: readonly Task[] = ["summarize", "figures"];

/** The result files of a task: summarize and figures write different names, so neither overwrites the other. */
export function resultFiles(task: Task): { json: string; markdown: string } {
  return task === "figures" ? { json: "figures.json", markdown: "figures.md" } : { json: "summary.json", markdown: "summary.md" };
}
