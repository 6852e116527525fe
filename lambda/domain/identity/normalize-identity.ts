/**
 * An identity (user name, common name, selector entry) as compared: trimmed, in Unicode NFC, and case
 * folded. Folding is `toUpperCase().toLowerCase()`, which JavaScript defines without reference to any
 * locale (unlike `toLocaleLowerCase`), so a run gives the same answer on every host; going through upper
 * case first also folds the letters that only full case folding would (`ß` = `SS` = `ss`, final `ς` = `σ`).
 * Comparison after this is exact: never substring, never prefix.
 */
export function normalizeIdentity(value: string): string {
  return value.normalize('NFC').trim().toUpperCase().toLowerCase().normalize('NFC');
}
