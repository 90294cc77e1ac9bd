import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPipelinedPublisher } from '../lib/http-publisher.js';
import { freePort } from '../lib/node-server.js';
import { childPids } from '../lib/proc-stats.js';

const NGINX = '/usr/sbin/nginx';
const MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

function config(dir, port) {
  return `load_module ${MODULE};
daemon off;
master_process on;
# One worker: the same single core a Node process gets.
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log error;
events { worker_connections 19990; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  client_body_buffer_size 64k;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  nchan_max_reserved_memory 256M;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location ~ ^/sub/(.+)$ {
      nchan_subscriber eventsource;
      nchan_channel_id $1;
      nchan_subscriber_first_message newest;
      nchan_eventsource_event run_status_changed;
    }
    location ~ ^/pub/(.+)$ {
      nchan_publisher;
      nchan_channel_id $1;
      nchan_message_buffer_length 100000;
      nchan_message_timeout 1h;
    }
  }
}
`;
}

/**
 * Nchan (nginx-light + libnginx-mod-nchan from Debian) with one worker. A channel per filter
 * ("all", or the run id); Nchan takes one message per publish request, so the bench splits each
 * batch into one POST per event and pipelines them on one keep-alive connection, in order.
 */
export const nchan = {
  name: 'Nchan',
  description: 'nginx 1.22 + Nchan 1.3.6, 1 worker, one POST per event pipelined, channel per filter',
  available() {
    if (!existsSync(NGINX) || !existsSync(MODULE)) {
      return 'nginx + Nchan not installed: apt-get install -y nginx-light libnginx-mod-nchan';
    }
    return null;
  },
  async start() {
    const dir = mkdtempSync(path.join(tmpdir(), 'ironflow-bench-nchan-'));
    const port = await freePort();
    writeFileSync(path.join(dir, 'nginx.conf'), config(dir, port));
    const test = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], {
      encoding: 'utf8',
    });
    if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr}`);
    const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      await sleep(100);
      try {
        ready = (await fetch(`http://127.0.0.1:${port}/pub/warmup`, { method: 'POST', body: '{}' })).ok;
      } catch {}
    }
    if (!ready) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
    }
    const publisher = createPipelinedPublisher(port);
    return {
      port,
      pids: () => [child.pid, ...childPids(child.pid)],
      path: ({ runId } = {}) => `/sub/${runId ?? 'all'}`,
      headers: () => ({}),
      async gc() {},
      async publish(events, channelOf = () => 'all') {
        const failed = await publisher.send(events.map((e) => [`/pub/${channelOf(e)}`, JSON.stringify(e)]));
        if (failed > 0) throw new Error(`Nchan refused ${failed} publishes`);
      },
      async stop() {
        publisher.close();
        child.kill('SIGQUIT');
        const gone = await Promise.race([
          new Promise((resolve) => child.once('exit', () => resolve(true))),
          sleep(5_000).then(() => false),
        ]);
        if (!gone) child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
