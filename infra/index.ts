/**
 * `piriod-mirror/cdk`: the {@link PiriodMirror} construct for a CDK app of your own.
 *
 * @example
 * import { PiriodMirror } from 'piriod-mirror/cdk';
 * const mirror = new PiriodMirror(this, 'Mirror', { workspaces: ['acc_A'] });
 * mirror.grantRead(serviceRole);
 */
export {
  type PiriodMirrorProps,
  PiriodMirrorPropsError,
  type WorkspaceProps,
} from './construct-props.js';
export { type MirroredWorkspace, type MirrorFunctions, PiriodMirror } from './piriod-mirror.js';
export { STACK_OUTPUTS, type StackOutputName } from './stack-outputs.js';
