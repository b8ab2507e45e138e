export { renderReportHtml } from "./html.js";
export { renderIndexHtml } from "./index-html.js";
