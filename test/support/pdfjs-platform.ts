/**
 * Every test process gets the platform pieces the extraction workers install at boot (a sharp JPEG
 * ImageDecoder, an OffscreenCanvas), before any test file loads pdf.js: pdf.js asks once whether
 * they exist and remembers the answer for the process, which test files share.
 */
import { installJpegDecoder } from "../../src/extract/figures/jpeg-decoder.js";
import { installOffscreenCanvas } from "../../src/extract/figures/offscreen-canvas.js";

installJpegDecoder();
installOffscreenCanvas();
