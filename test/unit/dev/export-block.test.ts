import { describe, expect, it } from 'vitest';
import { exportBlock, parseExportBlock, shellQuote } from '../../../tools/dev/export-block.js';

describe('the export block npm run dev prints', () => {
  it('prints one export line per set variable, quoting values a shell would split', () => {
    const block = exportBlock({
      AWS_REGION: 'us-east-1',
      WEBHOOK_URL: 'http://127.0.0.1:4000/',
      PIRIOD_WEBHOOK_SECRET: "it's a secret $HOME",
      UNSET: undefined,
    });
    expect(block).toBe(
      [
        'export AWS_REGION=us-east-1',
        'export WEBHOOK_URL=http://127.0.0.1:4000/',
        `export PIRIOD_WEBHOOK_SECRET='it'\\''s a secret $HOME'`,
        '',
      ].join('\n'),
    );
    expect(parseExportBlock(block)).toEqual({
      AWS_REGION: 'us-east-1',
      WEBHOOK_URL: 'http://127.0.0.1:4000/',
      PIRIOD_WEBHOOK_SECRET: "it's a secret $HOME",
    });
  });

  it('does not echo a withheld secret, only says it comes from the user’s environment', () => {
    const block = exportBlock({ PIRIOD_API_TOKEN: 'sk_live_real' }, new Set(['PIRIOD_API_TOKEN']));
    expect(block).not.toContain('sk_live_real');
    expect(block).toBe('# PIRIOD_API_TOKEN: from your own environment, not printed\n');
  });

  it('quotes an empty value', () => {
    expect(shellQuote('')).toBe("''");
  });
});
