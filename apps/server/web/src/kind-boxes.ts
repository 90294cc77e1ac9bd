import { EVENT_KINDS, type EventKind } from '@ironflow/engine';
import { element } from './dom.js';

/** One labelled checkbox per kind, all checked, in the engine's order; the boxes by kind. */
export function createKindBoxes(container: HTMLElement): Map<EventKind, HTMLInputElement> {
  const boxes = new Map<EventKind, HTMLInputElement>();
  for (const kind of EVENT_KINDS) {
    const label = element('label', 'kind-box');
    const box = element('input');
    box.type = 'checkbox';
    box.name = 'types';
    box.value = kind;
    box.checked = true;
    label.append(box, element('span', `kind kind-${kind.replace('.', '-')}`, kind));
    container.append(label);
    boxes.set(kind, box);
  }
  return boxes;
}
