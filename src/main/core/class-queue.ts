/*
 * A bounded FIFO ring for one priority class of one control. It never grows past its
 * capacity: the caller decides what an overflow means (drop oldest or disconnect).
 */

/** Fixed-capacity FIFO ring buffer. */
export class ClassQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends; the caller must check `full` first. */
  push(item: T): void {
    // A compare instead of `%`: push/shift run once per delivery, and division is slow.
    let at = this.head + this.count;
    if (at >= this.capacity) at -= this.capacity;
    this.items[at] = item;
    this.count++;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    return item;
  }
}
