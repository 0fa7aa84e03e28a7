/**
 * A Fenwick (binary indexed) tree of 0/1 marks over positions 0..size-1: mark, unmark and count
 * the marks in a range in O(log n). The stack-distance counter keeps one mark per distinct key,
 * at the position of its last access.
 */
export class FenwickTree {
  private tree: Int32Array;

  constructor(readonly size: number) {
    this.tree = new Int32Array(size + 1);
  }

  /** Adds `delta` at `index`. */
  add(index: number, delta: number): void {
    for (let i = index + 1; i <= this.size; i += i & -i) this.tree[i]! += delta;
  }

  /** Sum over positions 0..index (inclusive); 0 for index < 0. */
  prefix(index: number): number {
    let sum = 0;
    for (let i = Math.min(index, this.size - 1) + 1; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  /** Sum over positions from..to (inclusive). */
  range(from: number, to: number): number {
    return to < from ? 0 : this.prefix(to) - this.prefix(from - 1);
  }
}
