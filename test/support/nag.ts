import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** A cdk-nag finding or acknowledgement: a rule id on a construct path. */
export interface NagEntry {
  rule: string;
  path: string;
}

/** cdk-nag's AwsSolutions findings for `app` as if nothing were acknowledged. */
function findingsIgnoringAcknowledgements(app: App): NagEntry[] {
  const pack = new AwsSolutionsChecks();
  // The pack filters acknowledged findings itself (a private check); turn that off to see them all.
  Object.assign(pack, { isAcknowledged: () => false });
  return pack
    .validateScope(app)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })),
    );
}

/** Every `Validations.of(…).acknowledge(…)` in `app`: the rule id and the construct it is on. */
export function acknowledgements(app: App): NagEntry[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.keys(m.data as Record<string, string>).map((id) => ({
          rule: id.replace(/^annotation::/i, ''),
          path: c.node.path,
        })),
      ),
  );
}

/**
 * Acknowledgements that suppress nothing: no finding with their exact rule id (cdk-nag
 * matches ids exactly, so `IAM5` does not cover `IAM5[Resource::…]`) on their construct or
 * below it.
 */
export function staleAcknowledgements(app: App): NagEntry[] {
  const findings = findingsIgnoringAcknowledgements(app);
  return acknowledgements(app).filter(
    (ack) =>
      !findings.some(
        (f) => f.rule === ack.rule && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      ),
  );
}
