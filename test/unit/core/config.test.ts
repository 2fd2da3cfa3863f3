import { describe, expect, it } from 'vitest';
import { formatConfigIssues, loadConfig } from '../../../core/config.ts';

describe('loadConfig', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      env: 'development',
      logLevel: 'info',
      dataDir: '.data',
      databaseUrl: undefined,
      redisUrl: undefined,
      http: { host: '127.0.0.1', port: 3000 },
      workers: { concurrency: 4, queuePrefix: 'lyceum', lockMs: 30_000 },
      discord: undefined,
      telegram: undefined,
      stripe: undefined,
      openai: undefined,
    });
  });

  it('names the variable and what is expected when a value is invalid', () => {
    const result = loadConfig({ DATABASE_URL: 'not-a-url' });
    expect(result).toEqual({
      ok: false,
      error: [{ variable: 'DATABASE_URL', expected: 'must be a postgres:// or postgresql:// URL' }],
    });
    if (result.ok) return;
    expect(formatConfigIssues(result.error)).toBe(
      'Configuration error: DATABASE_URL must be a postgres:// or postgresql:// URL.',
    );
  });

  it('never echoes the rejected value, which may be a secret', () => {
    const result = loadConfig({ STRIPE_SECRET_KEY: 'pk_live_oops', STRIPE_WEBHOOK_SECRET: 'whsec_x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigIssues(result.error)).not.toContain('pk_live_oops');
    expect(result.error.map((issue) => issue.variable)).toEqual(['STRIPE_SECRET_KEY']);
  });

  it('requires a data key in production and checks its shape without echoing it', () => {
    const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ ok: false, error: [{ variable: 'DATA_ENCRYPTION_KEY', expected: expect.stringContaining('must be set in production') }] });
    const short = loadConfig({ DATA_ENCRYPTION_KEY: 'k1:c2hvcnQ=' });
    expect(short).toMatchObject({ ok: false, error: [{ variable: 'DATA_ENCRYPTION_KEY', expected: expect.stringContaining('key k1 must be 32 bytes') }] });
    expect(JSON.stringify(short)).not.toContain('c2hvcnQ=');
    const loaded = loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: `${key}, k0:${Buffer.alloc(32, 1).toString('base64')}` });
    expect(loaded.ok && loaded.value.dataKeys?.map((entry) => entry.id)).toEqual(['k1', 'k0']);
  });

  it('reads the Discord shard range of this process, or auto', () => {
    const bot = { DISCORD_TOKEN: 'token', DISCORD_APP_ID: '123456789012345678' };
    const shardsOf = (extra: Record<string, string>) => {
      const loaded = loadConfig({ ...bot, ...extra });
      return loaded.ok ? loaded.value.discord?.shards : loaded.error;
    };
    expect(shardsOf({})).toBe('auto');
    expect(shardsOf({ DISCORD_SHARDS: '4' })).toEqual({ count: 4, ids: [0, 1, 2, 3] });
    expect(shardsOf({ DISCORD_SHARDS: '8', DISCORD_SHARD_IDS: '0-2, 6' })).toEqual({ count: 8, ids: [0, 1, 2, 6] });
    expect(shardsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '2-5' })).toEqual([{ variable: 'DISCORD_SHARD_IDS', expected: 'must be ids below DISCORD_SHARDS (4)' }]);
    expect(shardsOf({ DISCORD_SHARD_IDS: '0-1' })).toEqual([{ variable: 'DISCORD_SHARDS', expected: 'must be the total shard count when DISCORD_SHARD_IDS is set' }]);
    for (const ids of ['3-1', '1,1', 'a', '0-']) {
      expect(shardsOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: ids })).toMatchObject([{ variable: 'DISCORD_SHARD_IDS' }]);
    }
    expect(shardsOf({ DISCORD_SHARDS: '0' })).toMatchObject([{ variable: 'DISCORD_SHARDS' }]);
  });

  it('reaches Redis through Sentinel when REDIS_SENTINELS is set, and not together with REDIS_URL', () => {
    const loaded = loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2:26380', REDIS_PASSWORD: 'pw' });
    expect(loaded.ok && loaded.value.redisSentinel).toEqual({
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-2', port: 26380 }],
      name: 'lyceum',
      password: 'pw',
      sentinelPassword: 'pw',
    });
    expect(loadConfig({ REDIS_SENTINELS: 'nohost' })).toMatchObject({ ok: false, error: [{ variable: 'REDIS_SENTINELS' }] });
    expect(loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_URL: 'redis://x' })).toMatchObject({ ok: false, error: [{ variable: 'REDIS_SENTINELS', expected: expect.stringContaining('REDIS_URL') }] });
  });

  it('reaches a Redis Cluster when REDIS_CLUSTER_NODES is set, and by one way only', () => {
    const loaded = loadConfig({ REDIS_CLUSTER_NODES: 'node-1:7000,node-2:7001', REDIS_PASSWORD: 'pw' });
    expect(loaded.ok && loaded.value.redisCluster).toEqual({ nodes: [{ host: 'node-1', port: 7000 }, { host: 'node-2', port: 7001 }], password: 'pw' });
    expect(loaded.ok && loaded.value.redisSentinel).toBeUndefined();
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'node-1:99999' })).toMatchObject({ ok: false, error: [{ variable: 'REDIS_CLUSTER_NODES', expected: expect.stringContaining('cluster node') }] });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2' })).toMatchObject({ ok: false, error: [{ variable: 'REDIS_CLUSTER_NODES', expected: expect.stringContaining('REDIS_SENTINELS') }] });
  });

  it('treats empty values as unset, as .env files leave them', () => {
    const result = loadConfig({ DATABASE_URL: '', HTTP_PORT: ' ' });
    expect(result.ok && result.value.databaseUrl).toBeUndefined();
    expect(result.ok && result.value.http.port).toBe(3000);
  });

  it('requires the partner of a paired variable', () => {
    const result = loadConfig({ DISCORD_TOKEN: 'abc.def.ghi' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([{ variable: 'DISCORD_APP_ID', expected: 'must be set when DISCORD_TOKEN is set' }]);
  });

  it('stores files in an S3-compatible bucket only with its keys, and locally otherwise', () => {
    expect(loadConfig({ S3_BUCKET: 'lyceum-files' })).toEqual({
      ok: false,
      error: [
        { variable: 'S3_ACCESS_KEY_ID', expected: 'must be set when S3_BUCKET is set' },
        { variable: 'S3_SECRET_ACCESS_KEY', expected: 'must be set when S3_BUCKET is set' },
      ],
    });
    const configured = loadConfig({ S3_BUCKET: 'lyceum-files', S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'lyceum', S3_SECRET_ACCESS_KEY: 'secret' });
    expect(configured.ok && configured.value.s3).toEqual({ bucket: 'lyceum-files', region: 'us-east-1', endpoint: 'http://minio:9000', accessKeyId: 'lyceum', secretAccessKey: 'secret' });
    expect(loadConfig({ S3_BUCKET: 'Not_A_Bucket', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' }).ok).toBe(false);
    const local = loadConfig({});
    expect(local.ok && local.value.s3).toBeUndefined();
  });

  it('requires a webhook secret when Telegram runs in webhook mode', () => {
    const result = loadConfig({
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      PUBLIC_URL: 'https://lyceum.example.com',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error[0]?.variable).toBe('TELEGRAM_WEBHOOK_SECRET');
  });

  it('parses numbers and reports every invalid variable on its own line', () => {
    const result = loadConfig({ HTTP_PORT: '70000', WORKER_CONCURRENCY: 'lots', LOG_LEVEL: 'loud' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = formatConfigIssues(result.error).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => line.split(' ')[2])).toEqual(['LOG_LEVEL', 'HTTP_PORT', 'WORKER_CONCURRENCY']);
  });

  it('builds platform sections only when their credentials are complete', () => {
    const result = loadConfig({
      DISCORD_TOKEN: 'token',
      DISCORD_APP_ID: '123456789012345678',
      OPENAI_API_KEY: 'sk-test',
    });
    expect(result.ok && result.value.discord).toEqual({ token: 'token', appId: '123456789012345678', apiUrl: undefined, dmsPerMinute: 10, shards: 'auto' });
    expect(result.ok && result.value.openai?.model).toBe('gpt-4o-mini');
  });
});
