import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // pdf.js rendering is slow on 2 cores, and a machine shared with other jobs can run a test
    // several times slower than alone; these are limits against hangs, not speed goals
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 2,
    // one process runs many files: pdf.js workers, the TypeScript transform and module loading are
    // shared instead of paid again per file (a sample of 12 extract files: 111 s -> 73 s). Files
    // leave no state behind that another reads: the environment they set names absent profile
    // files, fake timers are restored after each test, and the PDF worker pool does not reuse a
    // worker started under another heap limit.
    isolate: false,
    // pdf.js in the test process sees the platform the workers give it
    setupFiles: ["test/support/pdfjs-platform.ts"],
  },
});
