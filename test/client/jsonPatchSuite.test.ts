import { describe, expect, it } from 'vitest';
import generalCases from 'json-patch-test-suite/tests.json';
import specCases from 'json-patch-test-suite/spec_tests.json';
import { applyPatch, PatchError } from '../../src/client/applyPatch';
import type { PatchOperation } from '../../src/client/protocol';

/**
 * The public JSON Patch conformance cases (the json-patch-tests project, RFC 6902 and its
 * appendix A), restricted to patches made only of the three operations the protocol uses:
 * add, remove, replace. Cases that use test/move/copy are out of the protocol, and the cases
 * the suite itself marks `disabled` (a JSON document cannot hold what they describe, such as
 * two `op` members) are not run.
 */
interface Case {
  readonly comment?: string;
  readonly doc: unknown;
  readonly patch: readonly Record<string, unknown>[];
  readonly expected?: unknown;
  readonly error?: string;
  readonly disabled?: boolean;
}

const OURS = new Set(['add', 'remove', 'replace']);

function ours(cases: readonly Case[], source: string): [string, Case][] {
  return cases
    .filter((c) => c.disabled !== true && c.patch.every((op) => OURS.has(op.op as string)))
    .map((c, i): [string, Case] => [`${source} #${i}: ${c.comment ?? c.error ?? JSON.stringify(c.patch)}`, c]);
}

const CASES = [...ours(generalCases as readonly Case[], 'tests.json'), ...ours(specCases as readonly Case[], 'spec_tests.json')];

describe('applyPatch against the public RFC 6902 cases for add, remove and replace', () => {
  it('runs every such case of the suite', () => {
    expect(CASES.length).toBe(62);
  });

  it.each(CASES.filter(([, c]) => c.error === undefined))('%s', (_name, c) => {
    const frozen = structuredClone(c.doc);
    expect(applyPatch(c.doc, c.patch as unknown as PatchOperation[])).toStrictEqual(c.expected);
    expect(c.doc).toEqual(frozen);
  });

  it.each(CASES.filter(([, c]) => c.error !== undefined))('%s fails with a PatchError', (_name, c) => {
    expect(() => applyPatch(c.doc, c.patch as unknown as PatchOperation[])).toThrow(PatchError);
  });
});
