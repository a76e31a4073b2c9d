/**
 * A request head written as bytes on a loopback socket, and everything the server sends until it ends the connection:
 * what a test needs to see a server close a connection the client left open.
 */
import { connect } from 'node:net';

export function untilClosed(port: number, head: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head.join('\r\n') + '\r\n\r\n'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}
