import { prewarmWorkers } from "./extract/pool.js";

// `extract` starts its pdf.js worker first: it loads alongside the CLI's own modules (~25 ms off a
// small file). Not for summarize: a batch's start (hashing, page counts, two documents) was 0.6 s
// slower to its first request with a worker loading beside it.
if (process.argv[2] === "extract") prewarmWorkers(1);

const { main } = await import("./cli.js");
main(process.argv).then((code) => {
  process.exitCode = code;
});
