/**
 * zod/mini (tree-shakeable; classic zod alone was ~440 KiB of every bundle) with English messages,
 * so validation errors returned to clients and admins say what is wrong.
 * Import it as `import * as z from '<path>/zod.js'`: member access keeps tree-shaking working
 * (re-exporting the namespace as a value would pull in every locale).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
