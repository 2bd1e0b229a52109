import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { jsonTextIssues } from '@pushrail/events';
import { formatPath, HttpError, type ErrorCode } from '../http-errors';

const gunzipAsync = promisify(gunzip);

/** The two bytes every gzip stream starts with (RFC 1952 §2.3.1); JSON text never does. */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** How a Segment route limits its body: bytes of JSON after gunzip, and the error code and message beyond. */
export interface SegmentBodyLimit {
  bytes: number;
  code: Extract<ErrorCode, 'message_too_large' | 'batch_too_large'>;
  /** What is limited, for the message: "a message", "a batch". */
  what: string;
}

function tooLarge(limit: SegmentBodyLimit): HttpError {
  return new HttpError(limit.code, `${limit.what} is over Segment's limit of ${limit.bytes / 1024} KB (${limit.bytes} bytes of JSON); nothing was accepted`);
}

/** The raw body, refused beyond the limit: a gzip body is held to it before gunzip as well as after. */
function readRaw(req: IncomingMessage, limit: SegmentBodyLimit): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit.bytes) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit.bytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function isGzip(raw: Buffer): boolean {
  return raw.length >= 2 && raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1];
}

/**
 * Reads a Segment route's body: JSON whatever the Content-Type (RudderStack's
 * Node SDK labels its gzip bodies `application/x-www-form-urlencoded`),
 * gunzipped when `Content-Encoding: gzip` says so or the bytes show it, and
 * at most `limit.bytes` of JSON (a gzip bomb stops at the limit), UTF-8, and
 * nothing in it that parsing would change (jsonTextIssues, as on `/v1`).
 * Returns the parsed value.
 */
export async function readSegmentBody(req: IncomingMessage, limit: SegmentBodyLimit): Promise<unknown> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    req.resume();
    throw new HttpError('unsupported_media_type', `Content-Encoding ${encoding} is not supported: send JSON, plain or gzip`);
  }
  const raw = await readRaw(req, limit);
  let json = raw;
  if (encoding !== 'identity' || isGzip(raw)) {
    try {
      json = await gunzipAsync(raw, { maxOutputLength: limit.bytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
      throw new HttpError('invalid_json', 'the body is not valid gzip');
    }
  }
  // Buffer's decoder would turn bytes that are not UTF-8 into U+FFFD: the events would land changed.
  if (!isUtf8(json)) throw new HttpError('invalid_json', 'the body is not valid UTF-8');
  const text = json.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError('invalid_json', 'the body is not valid JSON');
  }
  // What JSON.parse would change (an unpaired surrogate escape, a number a double does not carry) is refused, as on /v1.
  const issues = jsonTextIssues(text);
  if (issues.length > 0) {
    throw new HttpError('invalid_request', 'the body holds what no destination stores exactly; nothing was accepted', {
      issues: issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    });
  }
  return body;
}
