import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  CYCLE_METRICS,
  METRICS_NAMESPACE,
  WORKSPACE_DIMENSION,
} from '../lib/lambda/metric-names.js';
import type { AlarmedFunctions } from './monitoring-alarms.js';

/** What the dashboard draws. */
export interface DashboardProps {
  dashboardName: string;
  functions: AlarmedFunctions;
  refreshQueue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  workspaces: readonly string[];
}

const OUTCOMES = ['created', 'updated', 'unchanged', 'stale', 'deleted', 'failed'] as const;

/**
 * The dashboard: a first row of the refreshes' outcomes, Piriod's latency, the queues and
 * the functions' errors, then a row per workspace of its full mirror's outcomes and cycles.
 */
export function addDashboard(scope: Construct, props: DashboardProps): cloudwatch.Dashboard {
  const { fullMirror, worker, receiver } = props.functions;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: props.dashboardName,
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      // Summed over whichever workspaces emitted them: a SEARCH finds every {service,
      // Workspace} series, so the widget needs no line per workspace.
      title: 'Refresh outcomes (refresh-customers, all workspaces)',
      left: OUTCOMES.map(
        (o) =>
          new cloudwatch.MathExpression({
            expression: `SUM(${workspaceSearch('refresh-customers', o, 'Sum', 300)})`,
            label: o,
            period: Duration.minutes(5),
            usingMetrics: {},
          }),
      ),
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      // A percentile does not add up across workspaces: one line per service and workspace.
      title: 'Piriod latency p99 (ms), by workspace',
      left: ['full-mirror', 'refresh-customers'].map(
        (s) =>
          new cloudwatch.MathExpression({
            expression: workspaceSearch(s, 'PiriodLatency', 'p99', 300),
            label: s,
            period: Duration.minutes(5),
            usingMetrics: {},
          }),
      ),
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Queues',
      left: [
        props.refreshQueue.metricApproximateNumberOfMessagesVisible(),
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      ],
      right: [props.refreshQueue.metricApproximateAgeOfOldestMessage()],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Function errors',
      left: [fullMirror.metricErrors(), worker.metricErrors(), receiver.metricErrors()],
      width: 8,
    }),
  );
  for (const workspace of props.workspaces) addWorkspaceRow(dashboard, workspace);
  return dashboard;
}

/** A row for one workspace: its full mirror's outcomes and cycles. */
function addWorkspaceRow(dashboard: cloudwatch.Dashboard, workspace: string): void {
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: `Full mirror outcomes (${workspace})`,
      left: OUTCOMES.map((o) => fullMirrorMetric(workspace, o)),
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      // Skipped ticks are normal while a long cycle runs; skips with no completion are not.
      title: `Full mirror cycles (${workspace})`,
      left: [CYCLE_METRICS.completed, CYCLE_METRICS.skipped, CYCLE_METRICS.aborted].map((m) =>
        fullMirrorMetric(workspace, m),
      ),
      width: 12,
    }),
  );
}

/** A full-mirror count of one workspace, summed per five minutes. */
function fullMirrorMetric(workspace: string, name: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: 'full-mirror', [WORKSPACE_DIMENSION]: workspace },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
}

/**
 * A CloudWatch SEARCH for `metric` of `service` in every workspace: the series whose
 * dimensions are exactly {service, Workspace}.
 */
function workspaceSearch(
  service: string,
  metric: string,
  statistic: string,
  periodSeconds: number,
): string {
  return `SEARCH('{${METRICS_NAMESPACE},${WORKSPACE_DIMENSION},service} service="${service}" MetricName="${metric}"', '${statistic}', ${periodSeconds})`;
}
