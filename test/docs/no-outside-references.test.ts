import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The repository stands alone: no tracked file may send its reader to a document outside it (the
// contract lives in docs/PROTOCOL.md). `git grep` exits 1 when nothing matches.
function trackedLinesMatching(pattern: string): string[] {
  try {
    return execFileSync('git', ['grep', '-n', '-I', '-E', pattern, '--', '.', ':!test/docs/'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

describe('documentation stands alone', () => {
  it('no tracked file refers to a document outside the repository', () => {
    expect(trackedLinesMatching(String.raw`\.\./shared|SPEC\.md`)).toEqual([]);
  });
});
