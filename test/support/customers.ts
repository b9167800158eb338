import { InvalidCustomerError } from '../../lib/customer/errors.js';
import { normalizeCustomer } from '../../lib/customer/normalize.js';

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
