/**
 * zod/mini (tree-shakeable; classic zod alone was ~440 KiB of every bundle) with English messages,
 * so validation errors returned to clients and admins say what is wrong. Import `z` from here.
 */

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export { z };
