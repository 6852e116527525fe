/** The first capacity of a list; it doubles when full. */
const INITIAL_CAPACITY = 64;

/**
 * A list of numbers in a typed array that grows by doubling: 8 bytes a number, and no object per number, so a
 * month of durations stays small. Only appends; {@link values} is a view of what was added.
 */
export class NumberList {
  private numbers = new Float64Array(INITIAL_CAPACITY);
  private size = 0;

  /** How many numbers were added. */
  get length(): number {
    return this.size;
  }

  /** Adds one number. */
  push(value: number): void {
    if (this.size === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.size++] = value;
  }

  /** The numbers added, in the order they came (a view: do not keep it past the next `push`). */
  values(): Float64Array {
    return this.numbers.subarray(0, this.size);
  }
}
