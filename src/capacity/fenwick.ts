/**
 * A Fenwick (binary indexed) tree of 0/1 marks over positions 0..size-1: mark, unmark and count
 * the marks in a range in O(log n). The stack-distance counter keeps one mark per distinct key,
 * at the position of its last access.
 */
export class FenwickTree {
  private readonly tree: Int32Array;

  constructor(readonly size: number) {
    this.tree = new Int32Array(size + 1);
  }

  /** Resets the tree to one mark at each of positions 0..count-1, in O(size) (no per-mark updates). */
  resetToFirst(count: number): void {
    const tree = this.tree;
    tree.fill(0);
    for (let i = 1; i <= count; i++) tree[i] = 1;
    for (let i = 1; i <= this.size; i++) {
      const parent = i + (i & -i);
      if (parent <= this.size) tree[parent]! += tree[i]!;
    }
  }

  /** Adds `delta` at `index`. */
  add(index: number, delta: number): void {
    const tree = this.tree;
    const size = this.size;
    for (let i = index + 1; i <= size; i += i & -i) tree[i]! += delta;
  }

  /** Sum over positions 0..index (inclusive); 0 for index < 0. */
  prefix(index: number): number {
    const tree = this.tree;
    let sum = 0;
    for (let i = Math.min(index, this.size - 1) + 1; i > 0; i -= i & -i) sum += tree[i]!;
    return sum;
  }

  /** Sum over positions from..to (inclusive). */
  range(from: number, to: number): number {
    return to < from ? 0 : this.prefix(to) - this.prefix(from - 1);
  }
}
