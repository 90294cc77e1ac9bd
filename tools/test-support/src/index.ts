// Bounded waits for tests: every wait names what it waits for and gives up with that name.
export { waitFor } from './wait-for.js';
export { within } from './within.js';
// The one way browser tests find and launch Chromium.
export { CHROMIUM_ARGS, ChromiumNotFoundError, findChromium, launchChromium } from './chromium.js';
export type { Browser, BrowserContext, Page } from 'playwright-core';
// Fault injection: a TCP proxy that drops, refuses or black-holes connections on demand.
export { type ProxyMode, startTcpFaultProxy, type TcpFaultProxy } from './tcp-fault-proxy.js';
// A PostgreSQL database of a test's own.
export { adminUrl, type FreshDatabase, freshDatabase } from './fresh-database.js';
export { psql } from './psql.js';
// Ports for servers that cannot be given 0, and certificates for TLS tests.
export { freePort } from './free-port.js';
export { selfSignedCertificate } from './self-signed-certificate.js';
