/**
 * The preview host's HTTP plumbing, shared by the emulated APIs: JSON answers, request bodies, files below a folder,
 * cookies, and forwarding to an upstream as Grafana's proxies do.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';

export const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Serves a file below `dir`, refusing paths that climb out of it. */
export function sendFile(res: ServerResponse, dir: string, relative: string): void {
  const path = normalize(join(dir, relative));
  if (!path.startsWith(dir) || !existsSync(path)) {
    sendJson(res, 404, { message: 'Not found' });
    return;
  }
  res.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' });
  res.end(readFileSync(path));
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      return decodeURIComponent(value.join('='));
    }
  }
  return undefined;
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

export async function forward(
  res: ServerResponse,
  target: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined
): Promise<number> {
  let upstream: Response;
  try {
    upstream = await fetch(target, { method, headers, body: body?.length ? new Uint8Array(body) : undefined });
  } catch (error) {
    // Grafana's proxies answer 502 when the upstream cannot be reached.
    sendJson(res, 502, { message: `Bad Gateway: ${(error as Error).cause ?? (error as Error).message}` });
    return 502;
  }
  const out: Record<string, string> = {};
  upstream.headers.forEach((value, key) => {
    if (!hopByHop.has(key)) {
      out[key] = value;
    }
  });
  res.writeHead(upstream.status, out);
  res.end(Buffer.from(await upstream.arrayBuffer()));
  return upstream.status;
}
