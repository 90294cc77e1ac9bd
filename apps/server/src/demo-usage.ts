// Its own module so `ironflow help` does not load the demo.
/** The `demo` command's lines in `ironflow help`. */
export const DEMO_USAGE = `  demo [--url URL] [--rate EVENTS_PER_SEC] [--runs N] [--duration SECONDS]
                              Publish realistic workflow runs to a running server through the
                              ingest routes, with WORKER_TOKEN, until Ctrl-C; then print a summary.
                                --url       the server (default http://127.0.0.1:3000)
                                --rate      events per second (default 20, at most 100000)
                                --runs      runs in flight at once (default 4)
                                --duration  stop after this many seconds (default: until Ctrl-C)`;
