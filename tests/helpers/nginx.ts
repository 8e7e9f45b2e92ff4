import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { freePort, reachable } from './processes';

/**
 * Debian's nginx as the reverse proxy in front of an API process, as operators run it: it
 * appends the client's address to X-Forwarded-For and says the client came over HTTPS (TLS ends
 * at the proxy). It listens on every interface, so a test can reach it both over loopback and
 * from this machine's own non-loopback address — two clients with different addresses.
 */
export const externalAddress = (): string => {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address for the proxy test');
};

export const startNginx = async (upstreamPort: number) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `${name}_temp_path ${dir}/${name};`)
    .join('\n  ');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  ${temp}
  server {
    listen ${port};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
    }
  }
}
`
  );
  const child: ChildProcess = spawn(
    '/usr/sbin/nginx',
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let errors = '';
  child.stderr?.on('data', (chunk) => (errors += chunk));
  for (let attempt = 0; attempt < 100 && !(await reachable(port)); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (!(await reachable(port))) throw new Error(`nginx did not start: ${errors}`);
  return {
    port,
    url: (host = '127.0.0.1') => `http://${host}:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
