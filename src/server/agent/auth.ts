import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { AgentHttpError } from './httpError.js';

/**
 * The agent is not open to its network by accident: bound to anything but loopback it requires a
 * bearer token on the routes that run the model or describe the server (inference, /v1/info),
 * chosen with --token / CAPACITY_PLAN_TOKEN or generated at start. Health probes, readiness, model
 * metadata and /metrics stay open, as orchestrators and scrapers expect.
 */

/** 127.0.0.0/8, ::1 and localhost: reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '::ffff:127.0.0.1';
}

/** 32 random bytes, URL-safe: what a generated token looks like. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token the agent will require: the one given, a generated one off loopback, or none. */
export function resolveToken(host: string, given: string | undefined): { token?: string; generated: boolean } {
  if (given !== undefined) return { token: given, generated: false };
  return isLoopbackHost(host) ? { generated: false } : { token: generateToken(), generated: true };
}

export function requireBearer(token: string): RequestHandler {
  // Compared as digests, in constant time: the comparison does not leak how much of a guess matched.
  const expected = createHash('sha256').update(token).digest();
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = match ? createHash('sha256').update(match[1]!).digest() : undefined;
    if (!given || !timingSafeEqual(given, expected)) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new AgentHttpError(
        401,
        'unauthorized',
        match ? 'the bearer token does not match' : "this agent requires 'Authorization: Bearer <token>' (the token printed at start, or --token / CAPACITY_PLAN_TOKEN)",
      );
    }
    next();
  };
}
