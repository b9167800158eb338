/**
 * Logical ids of the stateful resources of this repository's stack (`infra/app.ts`, one
 * workspace), pinned from the first release on: a new id would make CloudFormation replace
 * the resource and lose what it holds (the table's items, the queues' messages, the
 * secrets' values) or, for the bus, the rules and permissions others put on it. The secrets
 * are the first listed workspace's: a one-workspace stack that grows keeps its secrets' values.
 */
export const STATEFUL_LOGICAL_IDS = {
  table: 'CustomersTableB554B793',
  eventBus: 'EventBus7B8748AA',
  refreshQueue: 'RefreshQueue83549414',
  deadLetterQueue: 'DeadLetterQueue9F481546',
  apiTokenSecret: 'ApiTokenSecret3A926DEB',
  webhookSecret: 'WebhookSecretF21E29CC',
  // Not data, but ScheduleRuleName names it: the first workspace's schedule keeps it.
  scheduleRule: 'ScheduleRuleDA5BD877',
} as const;
