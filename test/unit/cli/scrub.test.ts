import { describe, expect, it } from 'vitest';
import { cliSecrets, scrubber } from '../../../tools/cli/io.js';

describe('the CLI output scrubber', () => {
  it('scrubs the token in the trimmed form the client sends, whatever padding the variable has', () => {
    const env = { PIRIOD_API_TOKEN: '  sk_live_4f9c2e7a1b8d\n' };
    const scrub = scrubber(() => cliSecrets(env));
    expect(scrub('Authorization: Token sk_live_4f9c2e7a1b8d sent')).toBe(
      'Authorization: Token [redacted] sent',
    );
    expect(cliSecrets({})).toEqual([]);
    expect(cliSecrets({ PIRIOD_API_TOKEN: '   ' })).toEqual([]);
  });
});
