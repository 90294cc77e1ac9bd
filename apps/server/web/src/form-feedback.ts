// Sign-in and sign-up feedback: each field's note shows its rule before submitting and the server's
// message for that field after a refusal (the envelope's `details`), in the same reserved space, so
// an error never moves the form; what belongs to no field goes to the form's own message line.
import { ApiError, type FieldProblem } from './api.js';

/** Field names in the server's `details` that a form shows under another field (sign-in's `login`). */
export type FieldAliases = Readonly<Record<string, string>>;

const hints = new WeakMap<HTMLElement, string>();

function notesOf(form: HTMLFormElement): HTMLElement[] {
  return [...form.querySelectorAll<HTMLElement>('.field-note[data-field]')];
}

function inputFor(form: HTMLFormElement, field: string): HTMLInputElement | null {
  const input = form.elements.namedItem(field);
  return input instanceof HTMLInputElement ? input : null;
}

function setNote(form: HTMLFormElement, note: HTMLElement, problem: string | null): void {
  if (!hints.has(note)) hints.set(note, note.textContent ?? '');
  const input = inputFor(form, note.dataset.field ?? '');
  if (problem === null) {
    note.textContent = hints.get(note) ?? '';
    delete note.dataset.error;
    input?.removeAttribute('aria-invalid');
    return;
  }
  // The word says it is an error, so colour is not the only signal.
  note.textContent = `Error: ${problem}`;
  note.dataset.error = 'true';
  input?.setAttribute('aria-invalid', 'true');
}

/** Puts every note back to its rule and empties the form's message. */
export function clearFeedback(form: HTMLFormElement, message: HTMLElement): void {
  for (const note of notesOf(form)) setNote(form, note, null);
  message.textContent = '';
}

/** Clears a field's error as soon as it is edited. */
export function watchFields(form: HTMLFormElement): void {
  form.addEventListener('input', (input) => {
    const target = input.target;
    if (!(target instanceof HTMLInputElement)) return;
    const note = notesOf(form).find((candidate) => candidate.dataset.field === target.name);
    if (note?.dataset.error) setNote(form, note, null);
  });
}

/**
 * Shows a failed submission: each problem the server named a field for under that field (the first
 * such field gets the focus), the rest in the form's message line.
 */
export function showFeedback(
  form: HTMLFormElement,
  message: HTMLElement,
  error: unknown,
  aliases: FieldAliases = {},
): void {
  clearFeedback(form, message);
  if (!(error instanceof ApiError)) {
    message.textContent = 'The server could not be reached; try again.';
    return;
  }
  const byField = new Map<string, string[]>();
  const unplaced: FieldProblem[] = [];
  for (const problem of error.details) {
    const field = aliases[problem.path] ?? problem.path;
    if (notesOf(form).some((note) => note.dataset.field === field)) {
      byField.set(field, [...(byField.get(field) ?? []), problem.message]);
    } else unplaced.push(problem);
  }
  let first: HTMLInputElement | null = null;
  for (const note of notesOf(form)) {
    const field = note.dataset.field ?? '';
    const problems = byField.get(field);
    if (problems === undefined) continue;
    setNote(form, note, problems.join('; '));
    first ??= inputFor(form, field);
  }
  const rest = unplaced.map((problem) => `${problem.path}: ${problem.message}`);
  message.textContent =
    byField.size > 0 && rest.length === 0
      ? 'Check the fields marked above.'
      : [error.message, ...rest].join(' — ');
  first?.focus();
}
