import { prewarmWorkers } from "../extract/pdfjs/pool.js";
import { listenForStops, StopRequest } from "./stop.js";

// `extract` starts its pdf.js worker first: it loads alongside the CLI's own modules (~25 ms off a
// small file). Not for summarize: a batch's start (hashing, page counts, two documents) was 0.6 s
// slower to its first request with a worker loading beside it.
if (process.argv[2] === "extract") prewarmWorkers(1);

const stop = new StopRequest({
  forceExit: (code) => process.exit(code),
  notice: (line) => process.stderr.write(`longdoc: ${line}\n`),
});
const unlisten = listenForStops(stop);

const { runCli } = await import("./program.js");
const code = await runCli(process.argv.slice(2), { stop });
unlisten();
// after a stop, work abandoned mid-extraction may still hold worker threads: what had to be
// written is written, nothing else is worth waiting for
if (stop.signal.aborted) process.exit(code);
process.exitCode = code;
