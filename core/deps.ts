import type { Logger } from 'pino';
import type { ChartRenderer } from './analytics/chart.ts';
import type { AccessGateways } from './access/access-gateway.ts';
import type { PaymentProviders } from './commerce/providers.ts';
import type { Database, Queryable } from './db/client.ts';
import type { FileStore } from './files/file-store.ts';
import type { DeliveryGateways } from './delivery/delivery-gateway.ts';
import type { Pacer } from './delivery/pacer.ts';
import type { Clock, JobQueue } from './ports.ts';
import type { RateLimiter } from './safety/rate-limits.ts';
import type { IntentClassifier } from './support/intents/classifier.ts';
import type { SupportGateways } from './support/support-gateway.ts';

/** Everything a use case may need, built once per process by the entry point. */
export type CoreDeps = {
  db: Database;
  /**
   * A read-only replica for the reports (/stats, the dashboard, weekly summaries): their scans
   * stay off the primary. Unset: the reports read `db`. A replica lags a little; reports say
   * "as of" their period, not this second.
   */
  analyticsDb?: Queryable;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
  payments: PaymentProviders;
  /** Lyceum's copy of every uploaded file (lesson attachments, covers) and of what it sends (charts, exports). */
  files: FileStore;
  /** Draws the charts of /stats, the dashboard and the weekly summary. */
  charts?: ChartRenderer;
  /**
   * Where this deployment's HTTP server is reached from outside (dashboard sign-in links).
   * `linksReachable`: members can open links to it (a PUBLIC_URL, or the console on this
   * machine), so announcements' links may go through the redirect that counts clicks.
   */
  web?: { baseUrl: string; linksReachable?: boolean };
  /** The platforms' REST sides for roles, invites and removals (workers only). */
  access?: AccessGateways;
  /**
   * The support assistant's intent classifier (the local tier when unset), and the platforms'
   * sides of the human takeover (workers only).
   */
  support?: { classifier: IntentClassifier; gateways?: SupportGateways };
  /** Counts commands, presses and joins against the communities' limits, for every process at once (Redis). */
  limits?: RateLimiter;
  /** Send pacing shared by every worker (Redis), and the platforms' sending sides (workers only). */
  pacer?: Pacer;
  delivery?: DeliveryGateways;
};
