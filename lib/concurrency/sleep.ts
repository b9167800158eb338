/** `setTimeout` as a promise: the one sleep of the project, injected where tests need control. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
