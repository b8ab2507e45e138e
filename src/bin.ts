import { prewarmWorkers } from "./extract/pool.js";

// the commands that read PDFs start a pdf.js worker first: it loads alongside the CLI's own modules
if (["extract", "summarize", "figures", "plan"].includes(process.argv[2] ?? "")) prewarmWorkers(1);

const { main } = await import("./cli.js");
main(process.argv).then((code) => {
  process.exitCode = code;
});
