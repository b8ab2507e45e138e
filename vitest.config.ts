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
  },
});
