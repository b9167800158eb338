/**
 * Placeholder the stack stores in a new secret until an operator sets the real value. In a
 * module of its own: the CDK construct imports it, and its users install no Powertools.
 */
export const SECRET_PLACEHOLDER = 'SET-ME';
