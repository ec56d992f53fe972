import { type Decimal, dec, decimalFixed, decimalText, type RoundingMode, round, ZERO } from './decimal';

/** ISO 4217 code in upper case ("USD", "EUR", "GBP"). */
export type Currency = string;

const CURRENCY = /^[A-Z]{3}$/;

/**
 * An exact amount of one currency. Never a JS float and never integer cents: Microsoft unit prices have 3+
 * decimals and its subtotals truncate at 2, so amounts keep full precision until a rounding names its mode.
 * Wire format: `{ "amount": "12.345", "currency": "USD" }`.
 */
export class Money {
  readonly amount: Decimal;
  readonly currency: Currency;

  private constructor(amount: Decimal, currency: Currency) {
    this.amount = amount;
    this.currency = currency;
  }

  static of(amount: string | bigint | number | Decimal, currency: Currency): Money {
    if (!CURRENCY.test(currency))
      throw new RangeError(`not an ISO currency code: ${JSON.stringify(currency)}`);
    return new Money(dec(amount), currency);
  }

  static zero(currency: Currency): Money {
    return Money.of(ZERO, currency);
  }

  /** Parses the wire format. */
  static fromJSON(json: { amount: string; currency: string }): Money {
    if (typeof json?.amount !== 'string') throw new TypeError('money amount must be a decimal string');
    return Money.of(json.amount, json.currency);
  }

  private same(other: Money): void {
    if (other.currency !== this.currency) {
      throw new RangeError(`currency mismatch: ${this.currency} and ${other.currency}`);
    }
  }

  add(other: Money): Money {
    this.same(other);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  sub(other: Money): Money {
    this.same(other);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  /** Multiplies by an exact factor (a quantity, a ratio of days): no rounding happens here. */
  times(factor: string | number | Decimal): Money {
    return new Money(this.amount.times(dec(factor)), this.currency);
  }

  /** Divides exactly to 28 decimal places (half-up at the 28th); round explicitly afterwards. */
  div(divisor: string | number | Decimal): Money {
    const d = dec(divisor);
    if (d.eq(ZERO)) throw new RangeError('division of money by zero');
    return new Money(this.amount.div(d), this.currency);
  }

  neg(): Money {
    return new Money(this.amount.neg(), this.currency);
  }

  abs(): Money {
    return new Money(this.amount.abs(), this.currency);
  }

  round(places: number, mode: RoundingMode): Money {
    return new Money(round(this.amount, places, mode), this.currency);
  }

  cmp(other: Money): -1 | 0 | 1 {
    this.same(other);
    return this.amount.cmp(other.amount) as -1 | 0 | 1;
  }

  eq(other: Money): boolean {
    return this.currency === other.currency && this.amount.eq(other.amount);
  }

  isZero(): boolean {
    return this.amount.eq(ZERO);
  }

  isNegative(): boolean {
    return this.amount.lt(ZERO);
  }

  /** Canonical decimal text of the amount ("12.345"). */
  toString(): string {
    return decimalText(this.amount);
  }

  /** The amount with exactly `places` decimals ("12.35"), rounding by `mode`. */
  toFixed(places: number, mode: RoundingMode = 'half-up'): string {
    return decimalFixed(this.amount, places, mode);
  }

  toJSON(): { amount: string; currency: Currency } {
    return { amount: this.toString(), currency: this.currency };
  }
}

/** Sum of amounts of one currency; the empty sum needs the currency. */
export function sumMoney(items: readonly Money[], currency: Currency): Money {
  return items.reduce((acc, m) => acc.add(m), Money.zero(currency));
}
