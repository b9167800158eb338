/**
 * The AWS SDK warns on every Node 20 start that future releases need Node 22. It is true and
 * already in the README (Supported Node versions); in CLI output it is noise that hides the summary. Other warnings
 * still print.
 */
export function silenceNodeVersionWarning(): void {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (
      warning.name === 'NodeVersionSupportWarning' ||
      /NodeVersionSupportWarning/.test(warning.message)
    )
      return;
    for (const l of listeners) l(warning);
  });
}
