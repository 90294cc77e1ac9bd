// Keeps a growing list still while someone is using it: while the pointer is in the list's pane or
// the keyboard focus is inside it, new rows are held back and a "N new" button in the pane's head (whose
// space is always kept) says how many wait; they are drawn when the pointer or the focus leaves
// the pane, or when the button is pressed.

export class ListHold {
  #pointerInside = false;
  #focusInside = false;
  #released = false;

  constructor(
    pane: HTMLElement,
    list: HTMLElement,
    private readonly button: HTMLButtonElement,
    private readonly noun: string,
    private readonly onRelease: () => void,
  ) {
    // A move, not pointerenter: a list that appears under a resting pointer (after signing in)
    // is not being pointed at until the pointer moves.
    pane.addEventListener('pointermove', (move) => {
      this.#pointerInside = true;
      // Back on the rows after pressing the button: hold again.
      if (this.#released && move.target instanceof Node && list.contains(move.target)) this.#released = false;
    });
    pane.addEventListener('pointerleave', () => {
      this.#pointerInside = false;
      this.#released = false;
      this.onRelease();
    });
    list.addEventListener('focusin', (focus) => {
      // Keyboard focus only: a row clicked keeps the focus, and the pointer has gone once it leaves.
      if (!(focus.target instanceof Element && focus.target.matches(':focus-visible'))) return;
      this.#focusInside = true;
      this.#released = false;
    });
    pane.addEventListener('focusout', (focus) => {
      if (focus.relatedTarget instanceof Node && pane.contains(focus.relatedTarget)) return;
      this.#focusInside = false;
      this.onRelease();
    });
    button.addEventListener('click', () => {
      // Show them now, though the pointer or the focus is still in the pane.
      this.#released = true;
      this.onRelease();
    });
    this.show(0);
  }

  /** True while new rows must wait. */
  get held(): boolean {
    return (this.#pointerInside || this.#focusInside) && !this.#released;
  }

  /** Says how many rows wait (0 hides the button but keeps its place). */
  show(count: number): void {
    if (this.button.dataset.count === String(count)) return;
    const text = `${count} new ${this.noun}${count === 1 ? '' : 's'}`;
    this.button.dataset.count = String(count);
    this.button.textContent = text;
    this.button.setAttribute('aria-label', `Show ${text}`);
  }
}
