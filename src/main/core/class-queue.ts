/*
 * A bounded FIFO ring for one priority class of one control, bounded twice: by count and
 * by bytes (each item's size is given when pushed). It never grows past its capacity: the
 * caller decides what an overflow means (drop oldest or disconnect).
 */

/** Fixed-capacity FIFO ring buffer that also sums the sizes of what it holds. */
export class ClassQueue<T> {
  private readonly items: (T | undefined)[];
  private readonly sizes: Float64Array;
  private head = 0;
  private count = 0;
  private held = 0;

  constructor(
    readonly capacity: number,
    /** Largest sum of item sizes held at once. */
    readonly byteBudget = Infinity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity ${capacity}`);
    if (!(byteBudget > 0)) throw new RangeError(`queue byte budget ${byteBudget}`);
    this.items = new Array<T | undefined>(capacity);
    this.sizes = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Sum of the sizes of the items held. */
  get bytes(): number {
    return this.held;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Whether one more item of `size` bytes fits both bounds. */
  fits(size: number): boolean {
    return this.count < this.capacity && this.held + size <= this.byteBudget;
  }

  /** Appends; the caller must check `fits` (or `full`) first. */
  push(item: T, size = 0): void {
    // A compare instead of `%`: push/shift run once per delivery, and division is slow.
    let at = this.head + this.count;
    if (at >= this.capacity) at -= this.capacity;
    this.items[at] = item;
    this.sizes[at] = size;
    this.held += size;
    this.count++;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.held -= this.sizes[this.head]!;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    return item;
  }
}
