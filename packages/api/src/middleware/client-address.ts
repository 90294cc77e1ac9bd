import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import proxyaddr from 'proxy-addr';

/**
 * Decides the client's address for rate limits and logs and puts it on `ctx.ip`: the TCP peer,
 * unless the peer is one of `trustedProxies` (`TRUSTED_PROXIES`: addresses and CIDRs, IPv4 or
 * IPv6), in which case `X-Forwarded-For` is walked from the right past every trusted hop and the
 * first untrusted address is the client. Without trusted proxies `X-Forwarded-For` is ignored,
 * so a client cannot pick its own rate-limit bucket. Built on `proxy-addr` (Express's).
 *
 * @throws TypeError at build time for an entry that is not an address or CIDR.
 * @example
 * app.use(clientAddress(['10.0.0.0/8', '::1']));
 */
export function clientAddress(trustedProxies: readonly string[]): Middleware {
  let trust: (address: string, hop: number) => boolean;
  try {
    trust = proxyaddr.compile([...trustedProxies]);
  } catch (error) {
    throw new TypeError(
      `clientAddress: trusted proxies must be IP addresses or CIDRs such as 10.0.0.0/8 or ::1 (${(error as Error).message})`,
    );
  }
  const trustsNone = trustedProxies.length === 0;
  return async (ctx, next) => {
    const peer = ctx.req.socket?.remoteAddress ?? '';
    // proxy-addr reads the peer from `req.connection`, which HTTP/2 compatibility requests
    // emulate; a closed socket has no address, and then there is nothing to trust.
    ctx.request.ip = trustsNone || peer === '' ? peer : proxyaddr(ctx.req as IncomingMessage, trust);
    await next();
  };
}
