import { ConfigError } from '../../lib/env-variables.js';

type Env = Record<string, string | undefined>;

/**
 * `EVENT_BUS_NAME`, for the commands that put events on the stack's bus. Unset, the
 * message names where its value comes from — the stack's `EventBusName` output, or the
 * export block of `npm run dev` — since a newcomer has no other way to know.
 *
 * @throws ConfigError when the variable is unset or blank.
 */
export function busNameFromEnv(env: Env): string {
  const name = env.EVENT_BUS_NAME?.trim();
  if (name) return name;
  throw new ConfigError(
    "EVENT_BUS_NAME is not set: set it to the stack's EventBusName output (`aws cloudformation describe-stacks --stack-name PiriodMirror --query \"Stacks[0].Outputs[?OutputKey=='EventBusName'].OutputValue\" --output text`), or to the bus `npm run dev` prints in its export block",
  );
}
