/** HTML reports: public entry points of `src/report/`. */
export { renderReport, type RenderReportOptions } from './render-report.js';
export { writeReport, reportStem } from './write-report.js';
export { escapeHtml, jsonForScript, cspHash } from './escape.js';
export { spectrumOf, type SpectrumPoint } from './spectrum.js';
