export { NO_FAULTS, type SandboxFaults } from './faults.js';
export { patchCustomer } from './sandbox-client.js';
export {
  type Sandbox,
  type SandboxChange,
  type SandboxOptions,
  type SandboxStats,
  type SandboxWorkspace,
  startSandbox,
} from './sandbox-server.js';
export { generateCustomers, type SandboxCustomer, seedPageExample } from './seed-data.js';
export { sendWebhook, type WebhookPayload } from './webhook-sender.js';
