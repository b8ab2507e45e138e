// bin/longdoc.js on the TypeScript sources (run with `node --import tsx`): the same launcher,
// without a build of dist/.
import { fileURLToPath } from "node:url";
import { relaunchWithArenaLimit } from "../../src/cli/launcher.js";

if (!relaunchWithArenaLimit(fileURLToPath(import.meta.url))) await import("../../src/cli/bin.js");
