/**
 * The page's only stylesheet (inlined; its sha256 goes into the CSP). Colours are CSS variables so
 * the page script can hand the same palette to Chart.js: series colours are darker in the light
 * theme and lighter in the dark one, to stay readable on both backgrounds. `.print-theme` forces
 * the light palette while printing, whatever the screen theme is.
 */
export const REPORT_CSS = String.raw`
:root, :root.print-theme {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b2130; --muted: #5a6372; --panel: #f4f6f9; --border: #d8dde6;
  --grid: rgba(27, 33, 48, 0.12); --pass: #137333; --fail: #b3261e; --event: #8a4b00;
  --warn-bg: #fff3df; --warn-fg: #6b3a00; --info-bg: #e7effd; --info-fg: #15356b;
  --c1: #1f64c8; --c2: #c9500a; --c3: #11825a; --c4: #9a2fa0; --c5: #7a6400; --c6: #0b7785;
}
@media (prefers-color-scheme: dark) {
  :root:not(.print-theme) {
    --bg: #13161b; --fg: #e5e8ee; --muted: #a2abb9; --panel: #1b1f27; --border: #2f3542;
    --grid: rgba(229, 232, 238, 0.13); --pass: #72d195; --fail: #ff8f85; --event: #f2b45c;
    --warn-bg: #3a2a12; --warn-fg: #ffd596; --info-bg: #19283f; --info-fg: #bcd3ff;
    --c1: #6ea8ff; --c2: #ff9e63; --c3: #4fd49c; --c4: #e38be0; --c5: #e2c54d; --c6: #4dd0da;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 20px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 0 0 4px; }
h3 { font-size: 1.1rem; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h4 { font-size: 0.95rem; margin: 16px 0 6px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
.report-title { display: flex; justify-content: space-between; align-items: baseline; gap: 16px; flex-wrap: wrap; margin-bottom: 12px; }
.report-title .generated { color: var(--muted); font-size: 0.85rem; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 16px; font-size: 0.9rem; }
a { color: var(--c1); }
.description { margin: 2px 0 10px; color: var(--muted); max-width: 80ch; overflow-wrap: anywhere; }
.scenario-name { overflow-wrap: anywhere; }
.variant, .tag { display: inline-block; padding: 1px 8px; border-radius: 10px; background: var(--panel); border: 1px solid var(--border); font-size: 0.8rem; font-weight: 500; vertical-align: middle; overflow-wrap: anywhere; }
.tag.warning { background: var(--warn-bg); color: var(--warn-fg); }
.banner { padding: 8px 12px; border-radius: 6px; margin: 8px 0; }
.banner.warning { background: var(--warn-bg); color: var(--warn-fg); border: 1px solid var(--warn-fg); }
.banner.info { background: var(--info-bg); color: var(--info-fg); }
.verdict { margin: 10px 0; padding: 8px 12px; border-radius: 6px; border: 1px solid var(--border); background: var(--panel); }
.verdict-line { margin: 0; font-weight: 700; }
.verdict.pass .verdict-line { color: var(--pass); }
.verdict.fail .verdict-line { color: var(--fail); }
.thresholds { list-style: none; margin: 6px 0 0; padding: 0; }
.thresholds li { margin: 2px 0; overflow-wrap: anywhere; }
li.pass .mark, td.pass { color: var(--pass); font-weight: 600; }
li.fail .mark, td.fail { color: var(--fail); font-weight: 600; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 4px 20px; margin: 10px 0; }
.facts div { display: flex; gap: 8px; min-width: 0; }
.facts dt { color: var(--muted); flex: 0 0 auto; }
.facts dt::after { content: ":"; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.block { margin: 22px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; white-space: nowrap; }
table.num td { text-align: right; white-space: nowrap; }
table.tiers td:last-child { white-space: normal; text-align: left; min-width: 16ch; }
table.compare { font-size: 0.92rem; }
table.compare th[scope="row"] { min-width: 18ch; max-width: 320px; overflow-wrap: anywhere; }
table.compare thead th { white-space: normal; text-align: right; }
table.compare thead th:first-child { text-align: left; }
table.compare td .change { display: block; }
.tag { white-space: nowrap; }
.change { font-size: 0.82em; color: var(--muted); }
.change.better { color: var(--pass); }
.change.worse { color: var(--fail); }
.note { color: var(--muted); font-size: 0.88rem; margin: 4px 0 8px; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px 24px; align-items: start; }
.grid2.narrow-chart { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
figure.chart { margin: 8px 0; break-inside: avoid; }
.chart-box { position: relative; height: 280px; }
.tall-charts .chart-box { height: 460px; }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 4px; }
details.variant-details { margin: 16px 0; border: 1px solid var(--border); border-radius: 8px; padding: 0 16px; }
details.variant-details > summary { cursor: pointer; padding: 12px 0; font-weight: 600; font-size: 1.05rem; overflow-wrap: anywhere; }
details.variant-details[open] > summary { border-bottom: 1px solid var(--border); margin-bottom: 12px; }
footer { color: var(--muted); font-size: 0.82rem; margin-top: 32px; }
@media (max-width: 900px) { .grid2, .grid2.narrow-chart { grid-template-columns: minmax(0, 1fr); } }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  .block, figure.chart, table, .verdict, .facts { break-inside: avoid; }
  h3, h4 { break-after: avoid; }
  .chart-box { height: 230px; }
  .chart-box canvas { max-width: 100% !important; height: auto !important; }
  details.variant-details { border: none; padding: 0; }
  details.variant-details > summary { list-style: none; }
}
@media print { details.variant-details::details-content { content-visibility: visible; } }
`;
