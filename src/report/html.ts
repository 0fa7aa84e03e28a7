import { escapeHtml } from './escape.js';

/**
 * Markup that is already safe to emit. Only `html```, `raw()` and the inline-asset code create it,
 * so a plain string can never reach the page unescaped by accident.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup written in this module's own source (never data from a result). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v)).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: every interpolated value is HTML-escaped unless it is `SafeHtml`
 * (nested `html``` or `raw()`); arrays are concatenated; `null`, `undefined` and `false` render
 * nothing, so `${cond && html`...`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}
