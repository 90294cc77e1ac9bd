import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp, type IronflowApp } from '@ironflow/api';
import { createTokenService } from '@ironflow/auth';
import { EVENT_KINDS, eventJsonSchemas } from '@ironflow/engine';
import { createMemoryEventLog, createMemoryUserStore } from '@ironflow/store';
import { compileErrors, validate } from '@readme/openapi-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'openapi-test-secret-that-is-long-enough!!';
let ironflow: IronflowApp;
let server: Server;
// biome-ignore lint/suspicious/noExplicitAny: the document is walked as plain JSON
let document: any;

beforeAll(async () => {
  ironflow = createApp({
    log: createMemoryEventLog(),
    users: createMemoryUserStore(),
    tokens: createTokenService({ secret: SECRET }),
    jwtSecret: SECRET,
    workerToken: 'openapi-test-worker-token',
    environment: 'development',
  });
  server = createServer(ironflow.app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const response = await fetch(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/openapi.json`,
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = await response.json();
});

afterAll(async () => {
  await ironflow.close();
  server.closeAllConnections();
  server.close();
});

/** Every method and path the app's Koa router serves, in OpenAPI form (`:run_id` → `{run_id}`). */
function registeredRoutes(): string[] {
  const routers = ironflow.app.middleware
    .map((middleware) => (middleware as { router?: { stack: { path: string; methods: string[] }[] } }).router)
    .filter((router) => router !== undefined);
  expect(routers.length).toBeGreaterThan(0);
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) =>
      layer.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method.toLowerCase()} ${layer.path.replace(/:(\w+)/g, '{$1}')}`),
    ),
  );
}

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (@readme/openapi-parser)', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('describes every route the app registers', () => {
    const routes = registeredRoutes();
    expect(routes).toContain('post /api/v1/internal/events');
    const missing = routes.filter((route) => {
      const [method, routePath] = route.split(' ') as [string, string];
      return document.paths[routePath]?.[method] === undefined;
    });
    expect(missing).toEqual([]);
  });

  it('names Event and EventKind, and takes every event schema from the engine', () => {
    const { schemas } = document.components;
    expect(schemas.EventKind.enum).toEqual([...EVENT_KINDS]);
    expect(schemas.Event.oneOf).toHaveLength(EVENT_KINDS.length);
    expect(Object.keys(schemas.Event.discriminator.mapping)).toEqual([...EVENT_KINDS]);
    const { $schema: _, ...runFailed } = eventJsonSchemas.run_failed;
    expect(schemas.RunFailed).toEqual(JSON.parse(JSON.stringify(runFailed)));
  });

  it('gives openapi-typescript types that narrow Event on type', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ironflow-openapi-'));
    try {
      await writeFile(path.join(dir, 'api.ts'), astToString(await openapiTS(document)));
      const header =
        "import type { components } from './api';\ntype Event = components['schemas']['Event'];\n";
      await writeFile(
        path.join(dir, 'narrows.ts'),
        `${header}export function describe(event: Event): string {
  if (event.type === 'run_failed') return event.error ?? event.workflow_name;
  if (event.type === 'log_line') return event.line;
  return event.type;
}
export const kinds: components['schemas']['EventKind'][] = ['run_created', 'step_failed'];
`,
      );
      // Without narrowing, `error` is not a `string | null` on every kind (absent, or an unknown extra
      // field where a kind keeps unknown fields): this must not compile.
      await writeFile(
        path.join(dir, 'unnarrowed.ts'),
        `${header}export const error = (event: Event): string | null => event.error;\n`,
      );
      // One program for both files: the lib files are parsed once.
      const program = ts.createProgram(
        ['narrows.ts', 'unnarrowed.ts'].map((file) => path.join(dir, file)),
        {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          types: [],
        },
      );
      expect(program.getGlobalDiagnostics()).toEqual([]);
      const check = (file: string) =>
        ts
          .getPreEmitDiagnostics(program, program.getSourceFile(path.join(dir, file)))
          .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      expect(check('narrows.ts')).toEqual([]);
      expect(check('unnarrowed.ts').join('\n')).toMatch(
        /Property 'error' does not exist|Type 'unknown' is not assignable to type 'string \| null'/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
