import sharp from "sharp";
import { readdirSync } from "node:fs";
sharp.cache(false); sharp.concurrency(1);
let tp = 0, tj = 0, n = 0;
for (const dir of process.argv.slice(2)) for (const f of readdirSync(dir)) {
  const { data, info } = await sharp(dir + "/" + f).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raw = () => sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
  let t = performance.now(); await raw().png({ compressionLevel: 6 }).toBuffer(); tp += performance.now() - t;
  t = performance.now(); await raw().jpeg({ quality: 85 }).toBuffer(); tj += performance.now() - t; n++;
}
console.log("figures", n, "png ms", Math.round(tp), "jpeg ms", Math.round(tj));
