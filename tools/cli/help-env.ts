/**
 * The "Environment:" lines of the commands' `--help`, from shared pieces so a command that
 * reads the table, Piriod or the bus lists the same variables as every other one.
 */

/** Where the customers table is. */
export const TABLE_ENV = 'CUSTOMERS_TABLE, AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local)';
/** Which Piriod account. */
export const PIRIOD_ENV =
  'PIRIOD_API_TOKEN, PIRIOD_WORKSPACE, PIRIOD_API_URL, PIRIOD_TEST_MODE, PIRIOD_TIMEOUT_MS, PIRIOD_MAX_ATTEMPTS, PIRIOD_REQUESTS_PER_SECOND, PIRIOD_CONCURRENCY';
/** The SDK's own settings, read by every command that calls AWS. */
export const AWS_ENV = 'AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
/** The stack's event bus. */
export const BUS_ENV = 'EVENT_BUS_NAME (the EventBusName output), AWS_ENDPOINT_URL_EVENTBRIDGE';

/** The help's "Environment:" paragraph: the given pieces, wrapped at 90 columns. */
export function environmentHelp(...pieces: string[]): string {
  const lines: string[] = [];
  let line = 'Environment:';
  for (const word of `${pieces.join('; ')}.`.split(' ')) {
    if (line.length + 1 + word.length > 90) {
      lines.push(line);
      line = `  ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  return `${[...lines, line].join('\n')}\n`;
}
