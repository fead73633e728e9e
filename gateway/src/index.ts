// @linli/gateway: the alarm gateway (engine + registry + HTTP API).
export { ACCESS_TYPES, type AccessLogEntry, hashCard, listAccessLog } from './access/index.ts';
export { AlertEngine, AlertError, alertSeverity } from './alerts/engine.ts';
export { COMMAND_TTL_MS, Feedback } from './alerts/feedback.ts';
export { EmbeddedBroker } from './broker/embedded.ts';
export { ExternalBroker } from './broker/external.ts';
export type { Transport } from './broker/transport.ts';
export { type EngineEvents, GatewayBus, type RefusalReason } from './bus.ts';
export {
  Center,
  CenterInputError,
  centerTopics,
  provisionStation,
  provisionStationIn,
  type StationAccounts,
  type StationSecrets,
  StationStore,
  signBody,
  webhookHeaders,
} from './center/index.ts';
export { ConfigError, DEFAULT_CONFIG, type GatewayConfig, loadConfig, validateConfig } from './config.ts';
export { migrate, openDb } from './db/index.ts';
export {
  createEngine,
  createTransport,
  type Engine,
  GATEWAY_VERSION,
  type RunningGateway,
  type StartOptions,
  startGateway,
} from './gateway.ts';
export type { Principal } from './ingest/pipeline.ts';
export { type Logger, silentLogger } from './ingest/refusals.ts';
export { Metrics } from './metrics.ts';
export { type Clock, ManualClock, systemClock } from './supervision/clock.ts';
export type * from './types.ts';
