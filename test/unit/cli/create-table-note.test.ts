import { describe, expect, it } from 'vitest';
import { unprotectedTableNote } from '../../../tools/cli/commands/create-table.js';

describe('create-table in AWS', () => {
  it('says the table lacks what the stack’s table has: point-in-time recovery, deletion protection, TTL', () => {
    const note = unprotectedTableNote(undefined);
    expect(note).toContain('no point-in-time recovery, no deletion protection and no TTL');
    expect(note).toContain('deploy the stack');
  });

  it('says nothing on DynamoDB Local, where it does not matter', () => {
    expect(unprotectedTableNote('http://127.0.0.1:8123')).toBeUndefined();
  });
});
