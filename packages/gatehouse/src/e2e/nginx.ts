import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesRequired } from '../testing/services.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The proxy settings the README's deployment section documents; the test runs them as they are. */
export const PROXY_SETTINGS_FILE = path.join(REPO_ROOT, 'deploy', 'nginx', 'gatehouse-proxy.conf');

/** Debian's nginx, or the one on PATH. */
function findNginx(): string | undefined {
  for (const candidate of [process.env.GATEHOUSE_NGINX_PATH, '/usr/sbin/nginx']) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const NGINX_PATH = findNginx();

/**
 * True when nginx is installed. Without it the load-balancer test is skipped with a message, unless
 * `GATEHOUSE_REQUIRE_SERVICES=1` (CI), which makes it fail instead.
 */
export function nginxAvailable(): boolean {
  if (NGINX_PATH) return true;
  const why = 'nginx is not installed (apt-get install -y nginx, or set GATEHOUSE_NGINX_PATH)';
  if (servicesRequired) throw new Error(`the load-balancer test is required (GATEHOUSE_REQUIRE_SERVICES=1) but ${why}`);
  process.stderr.write(`skipping the load-balancer test: ${why}\n`);
  return false;
}

export interface Nginx {
  url: string;
  process: ChildProcess;
  /** The access log: one line per request with the node that answered (`upstream=`) and its status. */
  accessLog(): string[];
  output(): string;
  stop(): Promise<void>;
}

/**
 * nginx as this test's own process (`daemon off`), everything it writes inside `dir`, listening on
 * 127.0.0.1:`port` in front of the nodes on `upstreamPorts`.
 */
export async function startNginx(options: { dir: string; port: number; upstreamPorts: number[] }): Promise<Nginx> {
  if (!NGINX_PATH) throw new Error('nginx is not installed');
  const { dir, port } = options;
  for (const sub of ['logs', 'temp']) mkdirSync(path.join(dir, sub), { recursive: true });
  const servers = options.upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n');
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, 'temp', name)};`;
  const config = `# Written by the load-balancer test.
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'logs', 'error.log')} warn;
events { worker_connections 512; }
http {
  ${temp('client_body')}
  ${temp('proxy')}
  ${temp('fastcgi')}
  ${temp('uwsgi')}
  ${temp('scgi')}
  log_format upstreams '$msec $request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log ${path.join(dir, 'logs', 'access.log')} upstreams;
  upstream gatehouse {
${servers}
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 1m;
    location / {
      include ${PROXY_SETTINGS_FILE};
    }
  }
}
`;
  const configFile = path.join(dir, 'nginx.conf');
  writeFileSync(configFile, config);
  const child = spawn(NGINX_PATH, ['-p', dir, '-c', configFile, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const logFile = path.join(dir, 'logs', 'access.log');
  return {
    url,
    process: child,
    accessLog: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []),
    output: () =>
      `${output}${existsSync(path.join(dir, 'logs', 'error.log')) ? readFileSync(path.join(dir, 'logs', 'error.log'), 'utf8') : ''}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGQUIT: graceful shutdown of nginx.
        child.kill('SIGQUIT');
      }),
  };
}
