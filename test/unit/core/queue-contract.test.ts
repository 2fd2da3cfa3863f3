import { describe, expect, it } from 'vitest';
import { businessKeyOf, jobs, parseJobPayload, queueNames } from '../../../core/queue/contract.ts';
import { jobRegistry } from '../../../workers/registry.ts';
import { toBullId } from '../../../workers/bull-job-queue.ts';

describe('queue contract', () => {
  it('declares every queue the product needs and puts each job on one of them', () => {
    expect(queueNames).toEqual(['payments', 'access', 'delivery', 'digests', 'support', 'maintenance']);
    for (const spec of Object.values(jobs)) expect(queueNames).toContain(spec.queue);
  });

  it('has a handler registered for every job', () => {
    expect(Object.keys(jobRegistry).sort()).toEqual(Object.keys(jobs).sort());
  });

  it('accepts a valid payload and explains an invalid one', () => {
    const communityId = '0b6f3c1e-8d2a-4f51-9a7b-3c2d1e0f4a5b';
    expect(parseJobPayload('maintenance.refresh-course-stats', { communityId })).toEqual({
      ok: true,
      value: { communityId },
    });
    const invalid = parseJobPayload('maintenance.refresh-course-stats', { communityId: 42 });
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.reason).toContain('communityId');
  });

  it('derives the business key that coalesces duplicate enqueues', () => {
    expect(businessKeyOf('maintenance.refresh-course-stats', {})).toBe('refresh-course-stats-all');
  });
});

describe('toBullId', () => {
  it('avoids the characters BullMQ reserves', () => {
    expect(toBullId('payment:evt_1')).toBe('payment-evt_1');
    expect(toBullId('12345')).toBe('k12345');
  });
});
