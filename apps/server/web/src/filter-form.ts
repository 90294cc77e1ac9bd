// The filter form: a run id and a box per kind. A submit is checked here (an error next to the
// run field, the fields left as typed) and applied by the page only when valid.
import { EVENT_KINDS } from '@ironflow/engine';
import { createKindBoxes } from './kind-boxes.js';
import type { StreamFilters } from './stream.js';
import { isRunId } from './url-state.js';

export interface FilterFormElements {
  readonly form: HTMLFormElement;
  readonly runInput: HTMLInputElement;
  readonly error: HTMLElement;
  readonly kindBoxes: HTMLElement;
  readonly allKinds: HTMLButtonElement;
  readonly noKinds: HTMLButtonElement;
}

export interface FilterForm {
  /** Shows `filters` in the fields (e.g. restored from the address bar). */
  show(filters: StreamFilters): void;
  /** Puts `runId` in the run field and submits, as the user would. */
  submitRun(runId: string): void;
}

/** Wires the form; `onApply` gets the filters of every valid submit. */
export function wireFilterForm(
  ui: FilterFormElements,
  onApply: (filters: StreamFilters) => void,
): FilterForm {
  const boxes = createKindBoxes(ui.kindBoxes);

  function read(): StreamFilters | string {
    const runId = ui.runInput.value.trim().toLowerCase();
    if (runId !== '' && !isRunId(runId))
      return `"${runId}" is not a run id (a UUID such as 0b7e3f8c-3c2a-4c1e-9a57-6f1d2b9a4e10).`;
    const types = EVENT_KINDS.filter((kind) => boxes.get(kind)?.checked);
    if (types.length === 0) return 'Choose at least one kind.';
    return { runId: runId === '' ? null : runId, types: types.length === EVENT_KINDS.length ? [] : types };
  }

  ui.form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const next = read();
    ui.error.textContent = typeof next === 'string' ? `Error: ${next}` : '';
    ui.runInput.toggleAttribute('aria-invalid', typeof next === 'string');
    if (typeof next !== 'string') onApply(next);
  });
  for (const [button, checked] of [
    [ui.allKinds, true],
    [ui.noKinds, false],
  ] as const) {
    button.addEventListener('click', () => {
      for (const box of boxes.values()) box.checked = checked;
    });
  }

  return {
    show(filters) {
      ui.runInput.value = filters.runId ?? '';
      if (filters.types.length > 0)
        for (const [kind, box] of boxes) box.checked = filters.types.includes(kind);
    },
    submitRun(runId) {
      ui.runInput.value = runId;
      ui.form.requestSubmit();
    },
  };
}
