/**
 * The IP data as step functions (shared/adapters/ip-database.ts): sorted breakpoints, each with the
 * value that holds until the next one, in typed arrays searched by bisection; IPv4 keys as uint32,
 * IPv6 keys as two 64-bit halves held as four uint32 words. The country files nest ranges (a
 * geofeed block inside a whois block, and a few bad overlaps); the innermost, latest-starting range
 * wins, as the files' merge rule intends.
 */
import { compareV6, nextV6, type V6Words } from './ip-words.js';

const MAX_V4 = 0xffff_ffff;

/**
 * Builds sorted breakpoints from ranges pushed in order of their start. A breakpoint says "from
 * here on, this value" (0: no data); overlapping ranges resolve to the latest-starting one.
 */
export class StepBuilder<K> {
  readonly keys: K[] = [];
  readonly values: number[] = [];
  private readonly openEnds: K[] = [];
  private readonly openValues: number[] = [];
  private cursor: K;
  private done = false;
  /** Rows dropped: out of order or reversed. */
  skipped = 0;

  constructor(
    min: K,
    private readonly max: K,
    private readonly compare: (a: K, b: K) => number,
    private readonly next: (key: K) => K,
  ) {
    this.cursor = min;
  }

  add(start: K, end: K, value: number): void {
    // Input comes sorted by start; anything else (or a reversed range) is bad data.
    if (this.done || this.compare(end, start) < 0 || this.compare(start, this.cursor) < 0) {
      this.skipped++;
      return;
    }
    this.closeBefore(start);
    this.mark(start, value);
    this.cursor = start;
    this.openEnds.push(end);
    this.openValues.push(value);
  }

  finish(): this {
    this.closeBefore(undefined);
    return this;
  }

  /** Emits what the open ranges cover up to `limit` (exclusive), or everything when undefined. */
  private closeBefore(limit: K | undefined): void {
    while (this.openEnds.length > 0 && !this.done) {
      const top = this.openEnds.length - 1;
      const end = this.openEnds[top] as K;
      if (this.compare(end, this.cursor) < 0) {
        this.pop();
        continue;
      }
      if (limit !== undefined && this.compare(end, limit) >= 0) break;
      this.mark(this.cursor, this.openValues[top] as number);
      if (this.compare(end, this.max) === 0) this.done = true;
      else this.cursor = this.next(end);
      this.pop();
    }
    if (this.done) return;
    if (limit === undefined || this.compare(this.cursor, limit) < 0) {
      this.mark(this.cursor, this.openValues.at(-1) ?? 0);
    }
  }

  private pop(): void {
    this.openEnds.pop();
    this.openValues.pop();
  }

  /** From `at` on, `value`. Calls come in non-decreasing `at`. */
  private mark(at: K, value: number): void {
    const n = this.keys.length;
    if (n > 0 && this.compare(this.keys[n - 1] as K, at) === 0) {
      // The previous breakpoint covered nothing: replace it, merging with the one before.
      if (n > 1 && this.values[n - 2] === value) {
        this.keys.pop();
        this.values.pop();
      } else this.values[n - 1] = value;
      return;
    }
    if (n > 0 && this.values[n - 1] === value) return;
    this.keys.push(at);
    this.values.push(value);
  }
}

/** IPv4 breakpoints as uint32. */
export interface V4Table {
  keys: Uint32Array;
  values: Uint32Array | Uint16Array;
}
/**
 * IPv6 breakpoints as two 64-bit halves, each held as two uint32 words (so four words a key,
 * interleaved): compared word by word, no BigInt on the load or lookup path.
 */
export interface V6Table {
  words: Uint32Array;
  values: Uint32Array | Uint16Array;
}

const valueArray = (values: number[], kind: 'u32' | 'u16') =>
  kind === 'u32' ? Uint32Array.from(values) : Uint16Array.from(values);

export function v4Table(builder: StepBuilder<number>, kind: 'u32' | 'u16'): V4Table {
  builder.finish();
  return { keys: Uint32Array.from(builder.keys), values: valueArray(builder.values, kind) };
}

export function v6Table(builder: StepBuilder<V6Words>, kind: 'u32' | 'u16'): V6Table {
  builder.finish();
  const words = new Uint32Array(builder.keys.length * 4);
  builder.keys.forEach((k, i) => {
    words[i * 4] = k[0];
    words[i * 4 + 1] = k[1];
    words[i * 4 + 2] = k[2];
    words[i * 4 + 3] = k[3];
  });
  return { words, values: valueArray(builder.values, kind) };
}

export function findV4(table: V4Table, ip: number): number {
  const { keys } = table;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((keys[mid] as number) <= ip) lo = mid;
    else hi = mid - 1;
  }
  return keys.length > 0 && (keys[lo] as number) <= ip ? (table.values[lo] as number) : 0;
}

export function findV6(table: V6Table, ip: V6Words): number {
  const { words } = table;
  const atOrBelow = (i: number) => {
    const o = i * 4;
    return (
      ((words[o] as number) - ip[0] ||
        (words[o + 1] as number) - ip[1] ||
        (words[o + 2] as number) - ip[2] ||
        (words[o + 3] as number) - ip[3]) <= 0
    );
  };
  let lo = 0;
  let hi = table.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (atOrBelow(mid)) lo = mid;
    else hi = mid - 1;
  }
  return table.values.length > 0 && atOrBelow(lo) ? (table.values[lo] as number) : 0;
}

export const v4Builder = () =>
  new StepBuilder<number>(
    0,
    MAX_V4,
    (a, b) => a - b,
    (k) => k + 1,
  );
const MAX_V6: V6Words = [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
export const v6Builder = () => new StepBuilder<V6Words>([0, 0, 0, 0], MAX_V6, compareV6, nextV6);
