/**
 * The store contract: the rules every implementation of the table's ports must keep, written
 * against the port interfaces only, so the DynamoDB repositories and the in-memory ones cannot
 * drift. `make` builds repositories on the clock it is given (a test clock the suite moves); an
 * implementation that ignores it fails the tests on windows, leases and expiry.
 *
 * Each test builds its records with fresh ids, so `make` may hand back repositories over a shared
 * store (one DynamoDB table per file), except the Tor list, which is one per store.
 */
import { beforeEach, describe } from 'vitest';
import type { Repositories } from '../../shared/ports/context.js';
import { type ContractContext, TestClock } from './fixtures.js';
import { otherPortsContract } from './other-ports.js';
import { verificationProgressContract } from './verification-progress.js';
import { verificationsContract } from './verifications.js';

export function describeRepositoriesContract(
  name: string,
  make: (options: { now: () => Date }) => Promise<Repositories> | Repositories,
) {
  describe(`${name} keeps the repositories contract`, () => {
    const context = { clock: new TestClock() } as { r: Repositories; clock: TestClock };
    beforeEach(async () => {
      context.clock = new TestClock();
      context.r = await make({ now: context.clock.now });
    });
    const c: ContractContext = context;
    verificationsContract(c);
    verificationProgressContract(c);
    otherPortsContract(c);
  });
}
