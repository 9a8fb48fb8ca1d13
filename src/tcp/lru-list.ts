/**
 * An intrusive doubly linked list ordered by last activity: touching an entry moves it to the
 * tail in O(1) without allocating, so the least recently active entry is always at the head
 * (for idle timeouts and eviction).
 */
export interface LruEntry<T extends LruEntry<T>> {
  lruPrev: T | null;
  lruNext: T | null;
  lruList: LruList<T> | null;
}

export class LruList<T extends LruEntry<T>> {
  head: T | null = null;
  tail: T | null = null;
  size = 0;

  /** Appends `e` (removing it from the list it was on first). */
  pushTail(e: T): void {
    if (e.lruList !== null) e.lruList.remove(e);
    e.lruList = this;
    e.lruPrev = this.tail;
    e.lruNext = null;
    if (this.tail !== null) this.tail.lruNext = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  remove(e: T): void {
    if (e.lruList !== this) return;
    if (e.lruPrev !== null) e.lruPrev.lruNext = e.lruNext;
    else this.head = e.lruNext;
    if (e.lruNext !== null) e.lruNext.lruPrev = e.lruPrev;
    else this.tail = e.lruPrev;
    e.lruPrev = e.lruNext = null;
    e.lruList = null;
    this.size--;
  }

  /** Moves `e` to the tail of this list (most recently active). */
  touch(e: T): void {
    if (e.lruList === this && this.tail === e) return;
    this.pushTail(e);
  }
}
