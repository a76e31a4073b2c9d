/**
 * The demo's clients and tokens in an embedded SQLite database (better-sqlite3), seeded at start.
 * The same shape works for any SQL database: see the README's "database-backed stores" recipe.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, TokenCredential } from '../src';

export interface User {
  id: number;
  name: string;
}

export class DemoClient implements Client {
  constructor(
    readonly clientId: string,
    private readonly secret: string | null,
    private readonly rsaPublicKey: string | null,
    private readonly methods: string[] | null,
  ) {}
  getClientSecret() {
    return this.secret;
  }
  getRsaPublicKey() {
    return this.rsaPublicKey;
  }
  getAllowedSignatureMethods() {
    return this.methods ?? undefined;
  }
}

export class DemoToken implements TokenCredential {
  constructor(
    readonly clientId: string,
    readonly token: string,
    private readonly secret: string,
    readonly user: User,
    readonly scopes: readonly string[] = [],
  ) {}
  getScopes() {
    return this.scopes;
  }
  getOAuthToken() {
    return this.token;
  }
  getOAuthTokenSecret() {
    return this.secret;
  }
  getClientId() {
    return this.clientId;
  }
}

interface ClientRow {
  client_key: string;
  secret: string | null;
  rsa_public_key: string | null;
  methods: string | null;
}
interface TokenRow {
  client_key: string;
  token: string;
  secret: string;
  user: string;
  scopes: string;
}

export const DEMO_METHODS = [
  'HMAC-SHA1',
  'HMAC-SHA256',
  'HMAC-SHA512',
  'RSA-SHA1',
  'RSA-SHA256',
  'RSA-SHA512',
  'PLAINTEXT',
];

export class DemoStore {
  private readonly db: Database.Database;
  private readonly clientQuery: Database.Statement<[string], ClientRow>;
  private readonly tokenQuery: Database.Statement<[string, string], TokenRow>;

  /** `file` is a path, or ':memory:' (the default). */
  constructor(file = ':memory:') {
    this.db = new Database(file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS clients (
        client_key TEXT PRIMARY KEY, secret TEXT, rsa_public_key TEXT, methods TEXT);
      CREATE TABLE IF NOT EXISTS tokens (
        token TEXT PRIMARY KEY, client_key TEXT NOT NULL REFERENCES clients(client_key),
        secret TEXT NOT NULL, user TEXT NOT NULL, scopes TEXT NOT NULL DEFAULT '');`);
    this.seed();
    this.clientQuery = this.db.prepare('SELECT * FROM clients WHERE client_key = ?');
    this.tokenQuery = this.db.prepare('SELECT * FROM tokens WHERE client_key = ? AND token = ?');
  }

  private seed(): void {
    const publicKey = readFileSync(join(__dirname, 'keys', 'client.pub.pem'), 'utf8');
    const alice = JSON.stringify({ id: 1, name: 'alice' });
    const bob = JSON.stringify({ id: 2, name: 'bob' });
    const client = this.db.prepare('INSERT OR REPLACE INTO clients VALUES (?, ?, ?, ?)');
    const token = this.db.prepare('INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      client.run('demo-client', 'demo-client-secret', publicKey, null);
      client.run(
        'other-client',
        'other-client-secret',
        null,
        JSON.stringify(['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT']),
      );
      client.run('rsa-client', null, publicKey, JSON.stringify(['RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512']));
      client.run('lti-consumer', 'lti-consumer-secret', null, JSON.stringify(['HMAC-SHA1']));
      // Scopes as a space-separated list; only alice's demo-token may write (DELETE /api/notes/:id).
      token.run('demo-token', 'demo-client', 'demo-token-secret', alice, 'notes:read notes:write');
      token.run('other-token', 'other-client', 'other-token-secret', bob, 'notes:read');
      token.run('rsa-token', 'rsa-client', 'rsa-token-secret', alice, 'notes:read');
    })();
  }

  findClient(clientKey: string): DemoClient | undefined {
    const row = this.clientQuery.get(clientKey);
    return (
      row && new DemoClient(row.client_key, row.secret, row.rsa_public_key, row.methods && JSON.parse(row.methods))
    );
  }

  findToken(clientKey: string, token: string): DemoToken | undefined {
    const row = this.tokenQuery.get(clientKey, token);
    const scopes = row?.scopes.split(' ').filter(Boolean);
    return row && new DemoToken(row.client_key, row.token, row.secret, JSON.parse(row.user) as User, scopes);
  }

  close(): void {
    this.db.close();
  }
}
