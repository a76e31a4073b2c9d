/**
 * A real Node `IncomingMessage` on an unconnected socket, as the HTTP parser leaves it: its headers by lowercase
 * name and as sent, and its body (if any) waiting in the stream. For unit tests of what reads a Node request.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

export function nodeRequest(o: { method?: string; target: string; headers: Record<string, string>; body?: string }) {
  const req = new IncomingMessage(new Socket());
  req.method = o.method ?? 'GET';
  req.url = o.target;
  req.headers = Object.fromEntries(Object.entries(o.headers).map(([name, value]) => [name.toLowerCase(), value]));
  req.rawHeaders = Object.entries(o.headers).flat();
  if (o.body !== undefined) {
    req.push(o.body);
    req.push(null);
  }
  return req;
}
