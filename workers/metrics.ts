import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { queueNames, type QueueName } from '../core/queue/contract.ts';

export type JobMetrics = {
  observe(queue: QueueName, job: string, outcome: 'completed' | 'retrying' | 'delayed' | 'failed', seconds: number): void;
};

/**
 * Job durations and outcomes, plus queue depth read from Redis at scrape time. `queueOf` gives
 * the producer-side Queue, so depth is visible from any process that can reach Redis.
 */
export function registerJobMetrics(registry: Registry, queueOf: (name: QueueName) => Queue): JobMetrics {
  const duration = new Histogram({
    name: 'lyceum_job_duration_seconds',
    help: 'Time spent handling a job, by queue, job and outcome',
    labelNames: ['queue', 'job', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'lyceum_jobs_total',
    help: 'Jobs handled, by queue, job and outcome (completed, retrying, failed)',
    labelNames: ['queue', 'job', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'lyceum_queue_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      await Promise.all(
        queueNames.map(async (name) => {
          const counts = await queueOf(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        }),
      );
    },
  });
  return {
    observe(queue, job, outcome, seconds) {
      duration.observe({ queue, job, outcome }, seconds);
      outcomes.inc({ queue, job, outcome });
    },
  };
}
