/**
 * The two jobs a model run can do, and the files each one owns in a document folder. One home for
 * the word, so the planner, the prompts, the writer and the report agree.
 */
export type Task = "summarize" | "figures";

export const TASKS: readonly Task[] = ["summarize", "figures"];

/**
 * The files a task owns: summarize and figures write different names, so running both into one
 * folder keeps both results and the record of what each one paid.
 */
export function resultFiles(task: Task): { json: string; markdown: string; usage: string } {
  return task === "figures"
    ? { json: "figures.json", markdown: "figures.md", usage: "figures-usage.json" }
    : { json: "summary.json", markdown: "summary.md", usage: "usage.json" };
}
