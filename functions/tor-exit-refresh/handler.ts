/** Scheduled (every 30 minutes): replaces the stored Tor exit list with the Tor Project's current one. */

import { compose, torExits } from '../../shared/composition.js';
import { refreshTorExits } from '../../shared/use-cases/tor-exits.js';

const ctx = compose({ torExits });

export const handler = async () => refreshTorExits(ctx);
