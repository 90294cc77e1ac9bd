// The event list's keyboard and pointer input: one listener for every row (rows come and go by
// the thousand), arrows moving between rows as in any list.

/** Calls `onOpen` with a row's cursor and button when the row is clicked or activated. */
export function wireEventListInput(
  list: HTMLOListElement,
  onOpen: (cursor: string, button: HTMLButtonElement) => void,
): void {
  // A click, Enter or Space on a row's button.
  list.addEventListener('click', (click) => {
    const button = (click.target as Element).closest('button.event');
    const cursor = button?.parentElement?.dataset.cursor;
    if (button instanceof HTMLButtonElement && cursor !== undefined) onOpen(cursor, button);
  });
  list.addEventListener('keydown', (key) => {
    if (key.key !== 'ArrowDown' && key.key !== 'ArrowUp') return;
    const row = (key.target as Element).closest('li');
    const next = key.key === 'ArrowDown' ? row?.nextElementSibling : row?.previousElementSibling;
    const button = next?.querySelector('button');
    if (button instanceof HTMLButtonElement) {
      key.preventDefault();
      button.focus();
    }
  });
}
