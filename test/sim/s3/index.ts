/**
 * A local S3-compatible server for tests: path-style buckets, PutObject / GetObject / HeadObject /
 * DeleteObject, with requests checked the way S3 checks them: a Signature Version 4 signature
 * over the canonical request (403 SignatureDoesNotMatch), a request time within 15 minutes (403
 * RequestTimeTooSkewed), the declared payload hash against the body (400
 * XAmzContentSHA256Mismatch), a known bucket (404 NoSuchBucket) and key (404 NoSuchKey).
 * Objects live in memory; every call is recorded.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type S3Sim = {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  objects: Map<string, Buffer>;
  calls: Array<{ method: string; key: string; status: number; code?: string }>;
  /** The next request that reaches this key fails with 500 InternalError after reading the body (an outage mid-upload). */
  failNextPut(): void;
  close(): Promise<void>;
};

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const SKEW_MS = 15 * 60_000;

export async function startS3Sim(options: { bucket?: string; region?: string } = {}): Promise<S3Sim> {
  const bucket = options.bucket ?? 'lyceum-test';
  const region = options.region ?? 'us-east-1';
  const accessKeyId = 'SIMACCESSKEY';
  const secretAccessKey = 'sim-secret-key-not-for-production';
  const objects = new Map<string, Buffer>();
  const calls: S3Sim['calls'] = [];
  let failPut = false;

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://sim');
    const [, bucketName = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const reply = (status: number, code?: string, payload?: Buffer, headers: Record<string, string> = {}) => {
      calls.push({ method: request.method ?? '', key, status, ...(code ? { code } : {}) });
      const xml = code ? Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message><Key>${key}</Key></Error>`) : payload;
      response.writeHead(status, { ...(code ? { 'content-type': 'application/xml' } : {}), ...headers, 'x-amz-request-id': String(calls.length) });
      response.end(request.method === 'HEAD' ? undefined : xml);
    };
    const refusal = checkSignature(request, url, body, { accessKeyId, secretAccessKey, region });
    if (refusal) return reply(refusal.status, refusal.code);
    if (bucketName !== bucket) return reply(404, 'NoSuchBucket');
    switch (request.method) {
      case 'PUT':
        if (failPut) {
          failPut = false;
          return reply(500, 'InternalError');
        }
        objects.set(key, body);
        return reply(200, undefined, Buffer.alloc(0), { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      case 'GET':
      case 'HEAD': {
        const object = objects.get(key);
        if (!object) return reply(404, 'NoSuchKey');
        return reply(200, undefined, object, { 'content-length': String(object.length), 'content-type': 'application/octet-stream' });
      }
      case 'DELETE':
        objects.delete(key);
        return reply(204);
      default:
        return reply(405, 'MethodNotAllowed');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    objects,
    calls,
    failNextPut: () => {
      failPut = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Signature Version 4, as S3 verifies it (header auth; the payload hash signed as sent). */
function checkSignature(request: IncomingMessage, url: URL, body: Buffer, keys: { accessKeyId: string; secretAccessKey: string; region: string }): { status: number; code: string } | undefined {
  const auth = request.headers.authorization ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match) return { status: 403, code: 'AccessDenied' };
  const [, accessKeyId, day, region, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
  if (accessKeyId !== keys.accessKeyId) return { status: 403, code: 'InvalidAccessKeyId' };
  if (region !== keys.region) return { status: 400, code: 'AuthorizationHeaderMalformed' };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const at = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!at || !amzDate.startsWith(day) || Math.abs(Date.now() - at) > SKEW_MS) return { status: 403, code: 'RequestTimeTooSkewed' };
  const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
  if (!payloadHash) return { status: 400, code: 'InvalidRequest' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return { status: 400, code: 'XAmzContentSHA256Mismatch' };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return { status: 403, code: 'AccessDenied' };
  const headers = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const query = [...url.searchParams].map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0)).map(([name, value]) => `${name}=${value}`).join('&');
  const canonical = [request.method, url.pathname, query, headers, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  return hmac(signingKey, toSign).toString('hex') === signature ? undefined : { status: 403, code: 'SignatureDoesNotMatch' };
}

const encodeRfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
