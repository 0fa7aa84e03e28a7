import { html, type Interpolation, type SafeHtml } from '../html.js';

/** Which result a chart belongs to: its index in the report, or the cross-variant comparison. */
export type ChartOwner = number | 'compare';

/** A `<section>` with an anchor id and a heading. */
export function section(id: string, title: string, body: Interpolation): SafeHtml {
  return html`<section class="block" id="${id}"><h3>${title}</h3>${body}</section>`;
}

/** A plain table; the first column is the row header. Cells are escaped unless they are SafeHtml. */
export function table(head: readonly Interpolation[], rows: readonly (readonly Interpolation[])[], className = ''): SafeHtml {
  return html`<div class="table-wrap"><table class="${className}">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map(
    (row) => html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`,
  )}</tbody>
</table></div>`;
}

/** A definition list of facts (`label: value`), laid out as a grid. */
export function facts(pairs: readonly (readonly [string, Interpolation])[]): SafeHtml {
  return html`<dl class="facts">${pairs.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
}

/**
 * A canvas the page script fills with Chart.js: `data-chart` picks the chart builder, `data-result`
 * the result whose data it draws. The caption says what the chart shows for readers of the printout.
 */
export function chart(kind: string, owner: ChartOwner, label: string, caption: Interpolation = ''): SafeHtml {
  return html`<figure class="chart"><div class="chart-box"><canvas data-chart="${kind}" data-result="${String(owner)}" role="img" aria-label="${label}"></canvas></div>${
    caption === '' ? '' : html`<figcaption>${caption}</figcaption>`
  }</figure>`;
}

/** A muted one-line note. */
export function note(text: Interpolation): SafeHtml {
  return html`<p class="note">${text}</p>`;
}
