const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Writes a zod issue path as text: `labels.env`, `items[2]`, `labels["app.kubernetes.io/name"]`; the
 * root is `""`. Keys that are not identifiers are JSON-quoted in brackets so the path stays unambiguous.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}
