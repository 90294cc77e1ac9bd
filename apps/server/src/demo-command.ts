import { parseArgs } from 'node:util';
import { type DemoSummary, runDemo } from './demo.js';
import { createDemoIngestClient, DemoIngestError } from './demo-ingest-client.js';
import { EXIT_CONFIG, loadConfigOrReport } from './report-config-error.js';

interface DemoArgs {
  readonly url: string;
  readonly rate: number;
  readonly runs: number;
  readonly durationMs: number | null;
}

function parseDemoArgs(args: string[]): DemoArgs | string {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      rate: { type: 'string', default: '20' },
      runs: { type: 'string', default: '4' },
      duration: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  let url: URL | null = null;
  try {
    url = new URL(values.url);
  } catch {
    // Reported below with the other checks' wording.
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    return `--url must be an http:// or https:// URL such as http://127.0.0.1:3000, got "${values.url}"`;
  const whole = (text: string, max: number) => (/^\d+$/.test(text) && Number(text) <= max ? Number(text) : 0);
  const rate = whole(values.rate, 100_000);
  if (rate < 1)
    return `--rate must be a whole number of events per second from 1 to 100000, got "${values.rate}"`;
  const runs = whole(values.runs, 1000);
  if (runs < 1) return `--runs must be a whole number from 1 to 1000, got "${values.runs}"`;
  let durationMs: number | null = null;
  if (values.duration !== undefined) {
    const seconds = /^\d+(\.\d+)?$/.test(values.duration) ? Number(values.duration) : 0;
    if (seconds <= 0 || seconds > 86_400)
      return `--duration must be a number of seconds above 0 and at most 86400, got "${values.duration}"`;
    durationMs = seconds * 1000;
  }
  return { url: url.origin, rate, runs, durationMs };
}

export function formatDemoSummary(summary: DemoSummary, url: string): string {
  const seconds = summary.elapsedMs / 1000;
  const perSecond = seconds > 0 ? Math.round(summary.events / seconds) : summary.events;
  const finished = Object.entries(summary.runsFinished).map(([status, n]) => `${n} ${status}`);
  const kinds = Object.entries(summary.byKind).map(([kind, n]) => `${kind} ${n}`);
  return [
    `ironflow demo: published ${summary.events} events in ${seconds.toFixed(1)} s (${perSecond}/s) to ${url}`,
    `  runs: ${summary.runsStarted} started${finished.length > 0 ? `, ${finished.join(', ')}` : ''}, ${summary.runsInProgress} in progress`,
    `  events: ${kinds.join(', ') || 'none'}`,
    '',
  ].join('\n');
}

/**
 * `ironflow demo`: runs {@link runDemo} against a server until `--duration` passes or SIGINT /
 * SIGTERM arrives, then prints the summary. Returns the exit code (0, 1 when a request failed, 2
 * for bad arguments or configuration).
 */
export async function demoCommand(args: string[], usageError: (message: string) => number): Promise<number> {
  let parsed: DemoArgs | string;
  try {
    parsed = parseDemoArgs(args);
  } catch (error) {
    // parseArgs reports unknown options and missing values as errors coded ERR_PARSE_ARGS_*.
    if (!String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw error;
    parsed = (error as Error).message;
  }
  if (typeof parsed === 'string') return usageError(`demo: ${parsed}`);

  const config = loadConfigOrReport(process.env);
  if (config === null) return EXIT_CONFIG;

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const until = parsed.durationMs === null ? 'Ctrl-C' : `${parsed.durationMs / 1000} s`;
  process.stdout.write(
    `ironflow demo: ~${parsed.rate} events/s with ${parsed.runs} runs in flight to ${parsed.url} until ${until}\n`,
  );
  try {
    const summary = await runDemo({
      client: createDemoIngestClient(parsed.url, config.workerToken),
      rate: parsed.rate,
      runs: parsed.runs,
      durationMs: parsed.durationMs,
      signal: controller.signal,
    });
    process.stdout.write(formatDemoSummary(summary, parsed.url));
    return 0;
  } catch (error) {
    if (!(error instanceof DemoIngestError)) throw error;
    process.stderr.write(`ironflow demo: ${error.message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
