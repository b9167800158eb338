import { describe, expect, it } from 'vitest';
import { idAndNameFirst } from '../../../tools/cli/item-order.js';

describe('get and query print an item', () => {
  it('with id and name first, the rest in the order it came', () => {
    const item = {
      country: { id: 'CL' },
      status: 'active',
      name: 'Acme',
      zipCode: '1',
      id: 'cus_1',
    };
    expect(Object.keys(idAndNameFirst(item))).toEqual([
      'id',
      'name',
      'country',
      'status',
      'zipCode',
    ]);
    expect(idAndNameFirst(item)).toEqual(item);
  });

  it('leaves out what the item does not have (a tombstone has no name)', () => {
    expect(Object.keys(idAndNameFirst({ deleted: true, id: 'cus_1' }))).toEqual(['id', 'deleted']);
  });
});
