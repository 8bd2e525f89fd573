/**
 * Prometheus metrics for the front door: what the service does (turns, answers, honest
 * abstentions, safety flags, triage routes, handovers, outbox backlog) and how fast it
 * answers HTTP. Counts and low-cardinality labels only (channel, route id, locality id,
 * urgency), never text, names, contact details or ids, so the endpoint holds no personal data.
 *
 * Each service gets its own registry (tests run several services in one process).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Channel } from '../conversation/front-door.js';
import { outcomeOf } from '../conversation/replies.js';
import type { Reply } from '../conversation/replies.js';
import type { ConversationData } from '../conversation/state.js';

export type TurnInfo = { channel: Channel; replies: Reply[]; state?: Readonly<ConversationData> };

export type Metrics = {
  registry: Registry;
  /** For `hooks.onTurn` in bot/app.ts: one call per message turn, after the replies were sent. */
  onTurn(info: TurnInfo): void;
  observeHttp(info: { method: string; route: string; status: number; seconds: number }): void;
};

export function createMetrics(opts: {
  outboxStats: () => Promise<{ pending: number; failing: number }>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const turns = new Counter({ name: 'deal_turns_total', help: 'Messages handled, by channel', labelNames: ['channel'], registers: [registry] });
  const answers = new Counter({ name: 'deal_answers_total', help: 'Turns answered with a knowledge base article', labelNames: ['channel'], registers: [registry] });
  const abstentions = new Counter({
    name: 'deal_abstentions_total',
    help: 'Questions we did not answer rather than guess (not-sure) or sent elsewhere (out-of-scope)',
    labelNames: ['channel', 'reason'],
    registers: [registry],
  });
  const safety = new Counter({ name: 'deal_safety_flags_total', help: 'Messages answered with the safety response, by kind', labelNames: ['channel', 'kind'], registers: [registry] });
  const triage = new Counter({ name: 'deal_triage_results_total', help: 'Triage results, by primary route', labelNames: ['channel', 'primary'], registers: [registry] });
  const handovers = new Counter({
    name: 'deal_handovers_created_total',
    help: 'Handovers stored and confirmed to the family, by locality and urgency',
    labelNames: ['locality', 'urgency'],
    registers: [registry],
  });
  const backlog = { pending: 0, failing: 0 };
  const refreshBacklog = async () => {
    try {
      Object.assign(backlog, await opts.outboxStats());
    } catch {
      // Keep the last value; /readyz reports a store that does not answer.
    }
  };
  new Gauge({
    name: 'deal_outbox_pending',
    help: 'Notifications (Teams cards) not yet delivered',
    registers: [registry],
    async collect() {
      await refreshBacklog();
      this.set(backlog.pending);
    },
  });
  new Gauge({
    name: 'deal_outbox_failing',
    help: 'Undelivered notifications whose last attempt failed',
    registers: [registry],
    collect() {
      // Refreshed by deal_outbox_pending in the same scrape.
      this.set(backlog.failing);
    },
  });
  const http = new Histogram({
    name: 'deal_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  return {
    registry,
    onTurn({ channel, replies, state }) {
      turns.inc({ channel });
      // Counted by what each reply means (channelData.deal), never by its wording.
      for (const reply of replies) {
        const outcome = outcomeOf(reply);
        switch (outcome.kind) {
          case 'answer':
            answers.inc({ channel });
            break;
          case 'safety':
          case 'checkin':
            safety.inc({ channel, kind: outcome.safety ?? 'other' });
            break;
          case 'result':
            triage.inc({ channel, primary: outcome.triage?.primary ?? 'unknown' });
            break;
          case 'receipt':
            handovers.inc({ locality: state?.result?.locality ?? 'none', urgency: outcome.urgency ?? 'unknown' });
            break;
          case 'not-sure':
          case 'out-of-scope':
            abstentions.inc({ channel, reason: outcome.kind });
            break;
          default:
            break;
        }
      }
    },
    observeHttp({ method, route, status, seconds }) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
  };
}
