/**
 * CSV cells a spreadsheet shows as text instead of running them as formulas (OWASP CSV
 * injection): the verifications export (server) and the audit log's CSV (console app) alike.
 * No imports, so the console app can bundle it.
 */

/** A formula start after any leading white space (spaces, line feeds): `=`, `+`, `-`, `@`, tab, CR. */
const FORMULA_START = /^\s*[=+\-@\t\r]/;

/** The cell prefixed with `'` when a spreadsheet would evaluate it. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
