import { ApiError } from './errors.js';
import type { Params } from './params.js';

/** A file part of a multipart body (an avatar, an upload). */
export interface UploadedFile {
  filename: string;
  type: string;
  content: Buffer;
}

function headerValue(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function putParam(out: Params, key: string, value: unknown): void {
  const prev = out[key];
  if (prev === undefined) out[key] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else out[key] = [prev, value];
}

/**
 * Parses `multipart/form-data` (RFC 7578) as Rack does for Grape: text fields become parameters
 * (repeated names become lists, as `labels[]` does), file fields become UploadedFile values.
 */
export function parseMultipart(body: Buffer, contentType: string): Params {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new ApiError(400, { error: 'multipart body without a boundary' });
  const delimiter = Buffer.from(`--${boundary}`);
  const out: Params = {};
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const disposition = headerValue(head, 'content-disposition') ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) {
        const value: unknown = filename === undefined
          ? content.toString('utf8')
          : ({ filename, type: headerValue(head, 'content-type') ?? 'application/octet-stream', content } satisfies UploadedFile);
        putParam(out, name, value);
      }
    }
    at = next;
  }
  return out;
}
