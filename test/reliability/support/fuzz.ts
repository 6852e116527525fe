/**
 * Shared settings of the fuzz tests: every property runs from a fixed seed, so a failure reproduces
 * with the seed fast-check prints. `FUZZ_SEED` picks another seed and `FUZZ_SCALE` multiplies the
 * number of cases (`FUZZ_SCALE=10 npm test -- test/reliability` for a longer hunt).
 */
import fc from 'fast-check';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_126);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** Parameters of one property: the shared seed, and `numRuns` cases (times FUZZ_SCALE). */
export function fuzzParameters(numRuns: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)), endOnFailure: true };
}

/** The seed every property of this run uses (for test names and the summary). */
export const FUZZ_SEED = SEED;

/** Characters a hand edit or a copy-paste brings in: invisible, bidirectional, combining, full-width, emoji, NUL, a lone surrogate. */
export const ODD_CHARACTERS = [
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2066',
  '\u0301',
  '\u00a0',
  '\ufeff',
  '\u0000',
  '\ud800',
  '\u{1f600}',
  '\t',
  '\n',
  'ß',
  'İ',
  'ı',
  'ς',
];

/** A string with odd characters inserted into `base` at random places. */
export function arbOddText(base: string): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.nat({ max: base.length }), fc.constantFrom(...ODD_CHARACTERS)), { minLength: 1, maxLength: 3 })
    .map((insertions) => {
      let text = base;
      for (const [at, character] of insertions.sort((left, right) => right[0] - left[0]))
        text = `${text.slice(0, at)}${character}${text.slice(at)}`;
      return text;
    });
}

/** Full-width forms of ASCII letters (a paste from a CJK input method): look alike, never equal. */
export function fullWidth(text: string): string {
  return [...text]
    .map((character) =>
      /[!-~]/.test(character) ? String.fromCodePoint(character.codePointAt(0)! + 0xfee0) : character,
    )
    .join('');
}
