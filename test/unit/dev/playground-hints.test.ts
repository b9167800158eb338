import { describe, expect, it } from 'vitest';
import {
  devTryCommands,
  PLAYGROUND_COMMANDS,
  startHints,
} from '../../../tools/cli/playground-hints.js';

describe('playground hints', () => {
  it('with the sandbox: a PATCH of the customer reading the exported variables, then send-webhook', () => {
    const text = devTryCommands('cus_01H8XYZ123ABC', true);
    expect(text).toMatch(
      /^ {2}curl .* -X PATCH "\$PIRIOD_API_URL\/customers\/cus_01H8XYZ123ABC\/" -H "authorization: Token \$PIRIOD_API_TOKEN" -H "x-simple-workspace: \$PIRIOD_WORKSPACE"/m,
    );
    expect(text).toMatch(/^ {2}npm run --silent mirror -- send-webhook cus_01H8XYZ123ABC$/m);
  });

  it('with a real Piriod account: no edit of its data is suggested, only the webhook', () => {
    const text = devTryCommands('cus_…', false);
    expect(text).not.toMatch(/curl|PATCH/);
    expect(text).toMatch(/send-webhook cus_…$/m);
  });

  it("npm start's hints name npm run dev before every command that reads the table", () => {
    const lines = startHints().split('\n');
    const dev = lines.findIndex((l) => /^ {2}npm run dev +#/.test(l));
    expect(dev).toBeGreaterThanOrEqual(0);
    for (const { command } of PLAYGROUND_COMMANDS) {
      expect(lines.findIndex((l) => l.includes(command))).toBeGreaterThan(dev);
    }
  });
});
