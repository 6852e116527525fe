/**
 * Fuzzing scenario files (local/scenario): anything at all, and the demo scenario broken in one to
 * three places (an attribute gone, a value of another type or out of range, a typo, an element
 * repeated, odd unicode). Validation never throws anything but SandboxScenarioError, every issue
 * names where it is in the file, and a scenario that passes validation always loads into the
 * emulator.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CallCounters,
  ClientVpnEmulator,
  FaultInjector,
  parseScenario,
  SandboxScenarioError,
  SimulatedClock,
} from '../../local/index.js';
import { applyScenario } from '../../local/scenario/load.js';
import { arbOddText, FUZZ_SEED, fuzzParameters } from './support/fuzz.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

const DEMO = JSON.parse(readFileSync(new URL('../../examples/demo.json', import.meta.url), 'utf8')) as Json;

/** Every path into a JSON value (the root excluded). */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((entry, index) => [[...prefix, index], ...pathsOf(entry, [...prefix, index])]);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, entry]) => [[...prefix, key], ...pathsOf(entry, [...prefix, key])]);
  return [];
}

function getAt(value: Json, path: Path): Json | undefined {
  return path.reduce<Json | undefined>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<string | number, Json>)[key] : undefined,
    value,
  );
}

/** A copy of `value` with `change` applied to the parent of `path`. */
function changeAt(
  value: Json,
  path: Path,
  change: (parent: Json[] | Record<string, Json>, key: string | number) => void,
): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object')
    change(parent as Json[] | Record<string, Json>, path[path.length - 1] as string | number);
  return copy;
}

const arbOtherValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e21,
    -1e-9,
    '',
    ' ',
    '-',
    '95m',
    '-95',
    '-9999999d',
    'now ',
    'NOW',
    '2026-02-30T00:00:00Z',
    '2026-11-26T08:00:00',
    '*',
    [],
    {},
    [[]],
    '10.0.0.0/33',
    'cvpn-endpoint-XYZ',
    65536,
    10_001,
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** One edit somewhere in `document`. */
function arbEdit(document: Json): fc.Arbitrary<Json> {
  const paths = pathsOf(document);
  return fc.constantFrom(...paths).chain((path) => {
    const current = getAt(document, path);
    const edits: fc.Arbitrary<Json>[] = [
      fc.constant(
        changeAt(document, path, (parent, key) =>
          Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key],
        ),
      ),
      arbOtherValue.map((other) =>
        changeAt(document, path, (parent, key) => ((parent as Record<string | number, Json>)[key] = other)),
      ),
      fc.constantFrom('x', 's', '_', 'Id', ' ').map((suffix) =>
        changeAt(document, path, (parent, key) => {
          if (Array.isArray(parent)) return;
          parent[`${String(key)}${suffix}`] = parent[key] as Json;
          delete parent[key];
        }),
      ),
      fc.constant(
        changeAt(document, path, (parent, key) =>
          Array.isArray(parent) ? parent.push(structuredClone(parent[Number(key)] as Json)) : undefined,
        ),
      ),
    ];
    if (typeof current === 'string')
      edits.push(
        arbOddText(current).map((odd) =>
          changeAt(document, path, (parent, key) => ((parent as Record<string | number, Json>)[key] = odd)),
        ),
      );
    if (typeof current === 'number')
      edits.push(
        fc
          .constantFrom(-current, current * 1000, Number.MAX_SAFE_INTEGER, current + 0.5)
          .map((n) => changeAt(document, path, (parent, key) => ((parent as Record<string | number, Json>)[key] = n))),
      );
    return fc.oneof(...edits);
  });
}

/** The demo scenario after one to three edits. */
const arbBrokenDemo: fc.Arbitrary<Json> = fc
  .array(fc.nat(), { minLength: 1, maxLength: 3 })
  .map((seeds) =>
    seeds.reduce<Json>((document, seed) => fc.sample(arbEdit(document), { seed, numRuns: 1 })[0] ?? document, DEMO),
  );

/** Loads a valid scenario into a fresh emulator, as the sandbox does at start. */
function load(document: unknown): void {
  const scenario = parseScenario(document, 'fuzzed.json');
  const clock = new SimulatedClock({ start: '2026-11-26T10:00:00Z', frozen: true });
  applyScenario(
    scenario,
    new ClientVpnEmulator({ clock, counters: new CallCounters(), faults: new FaultInjector() }),
    clock.now(),
  );
}

/** Validates; returns the scenario error, or undefined when valid. Anything else thrown fails the property. */
function check(document: unknown): SandboxScenarioError | undefined {
  try {
    load(document);
    return undefined;
  } catch (error) {
    if (error instanceof SandboxScenarioError) return error;
    throw error;
  }
}

function expectNamed(error: SandboxScenarioError): void {
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(issue.path).not.toBe('');
    expect(issue.message).not.toBe('');
    expect(error.message).toContain(`${issue.path}: ${issue.message}`);
  }
  expect(error.message).toContain('fuzzed.json');
}

describe(`fuzzing scenario files (seed ${FUZZ_SEED})`, () => {
  it('refuses anything that is not a scenario with a SandboxScenarioError naming where (1000 cases)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withSparseArray: true,
        }),
        (document) => {
          const error = check(document);

          if (error) expectNamed(error);
        },
      ),
      fuzzParameters(1000),
    );
  });

  it('names the problem even in a scenario built in code holding a bigint or a cycle', () => {
    const cyclic: Record<string, unknown> = { id: 'cvpn-endpoint-0c0ffee0000000001' };
    cyclic.self = cyclic;

    for (const document of [
      { endpoints: [{ id: 10n }] },
      { endpoints: [cyclic] },
      { endpoints: [Object.create(null)], region: 7n },
    ]) {
      const error = check(document);

      expect(error).toBeInstanceOf(SandboxScenarioError);
      if (error) expectNamed(error);
    }
  });

  it('the demo broken in one to three places: refused by path, or loads (1500 cases)', () => {
    let refused = 0;
    fc.assert(
      fc.property(arbBrokenDemo, (document) => {
        const error = check(document);

        if (error) {
          refused += 1;
          expectNamed(error);
          // Every issue points into the document (or at it as a whole).
          for (const issue of error.issues)
            expect(issue.path).toMatch(/^(\(scenario\)|[A-Za-z_$ ][\w$ ]*|\[\d+\])(\.[^.]+|\[\d+\])*|^\(scenario\)$/);
        }
      }),
      fuzzParameters(1500),
    );
    expect(refused).toBeGreaterThan(0);
  });
});
