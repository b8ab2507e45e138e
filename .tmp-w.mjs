const { extract } = await import("/work/main/dist/extract/index.js");
const t = performance.now();
await extract(process.argv[2], { workers: +process.argv[3] });
console.log("workers", process.argv[3], Math.round(performance.now() - t));
process.exit(0);
