import { InvalidCustomerError, normalizeCustomer } from '../../lib/customer/index.js';

/** The error `normalizeCustomer` rejects `wire` with; fails the test when it accepts it. */
export function rejectionOf(wire: unknown): InvalidCustomerError {
  try {
    normalizeCustomer(wire);
  } catch (err) {
    if (err instanceof InvalidCustomerError) return err;
    throw err;
  }
  throw new Error('expected the customer to be rejected');
}
