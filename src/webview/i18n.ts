/**
 * UI text. The extension sends every string already localized, keyed by its English source text;
 * a key it did not send is shown as is, so the panel is never blank. `{0}`, `{1}` are placeholders.
 */
import { formatMessage } from '../shared/progress';
import type { Strings } from '../shared/protocol';
import { translateVariantTitle } from '../shared/variants';

export class Texts {
  constructor(
    private strings: Strings = {},
    readonly locale = 'en',
  ) {}

  t(key: string, ...args: (string | number)[]): string {
    // Own keys only: a trace may name a variant "constructor" or "__proto__".
    const own = Object.prototype.hasOwnProperty.call(this.strings, key) ? this.strings[key] : undefined;
    return formatMessage(typeof own === 'string' ? own : key, ...args);
  }

  /** A variant title as the engine names it (English), localized; "Pool of 4" keeps its number. */
  variant(title: string): string {
    return translateVariantTitle(title, (key, ...args) => this.t(key, ...args));
  }

  /** One formatter per precision: `toLocaleString` builds a new one on every call, which tables of
   *  hundreds of rows feel. */
  private readonly formats: Intl.NumberFormat[] = [];

  private format(value: number, digits: number): string {
    const f = (this.formats[digits] ??= new Intl.NumberFormat(this.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }));
    return f.format(value);
  }

  /** Milliseconds with precision that suits the magnitude (12.3 ms, 1 234 ms). */
  ms(value: number): string {
    return `${this.format(value, value >= 100 ? 0 : value >= 10 ? 1 : 2)} ms`;
  }

  ratio(value: number): string {
    return `${this.format(value, 2)}×`;
  }

  /** A share 0..1 as a whole percentage. */
  pct(share: number): string {
    return `${this.format(share * 100, 0)}%`;
  }
}
