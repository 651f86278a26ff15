import { Caddy, Route, Tunnel } from '../../lib/caddy';
import { Container, EnvFile, home, Network, Volume } from '../../lib';
import { ContainerJob, HostCommand, Service, Target, Timer } from '../../lib/systemd';
import { Testing } from '../../lib/testing';

export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

/** The chapter's edge and host units: Caddy, four routes, the tunnel, the ETL timer, the drain, the target. */
export function sodimo(opts: { targetLast?: boolean } = {}) {
  const { app, site } = Testing.site({ domains: ['sodimo.eu'] }, 'sodimo');
  const target = opts.targetLast ? undefined : new Target(site, 'Target');
  const net = new Network(site, 'sodimo', { default: true });
  const caddy = new Caddy(site, 'caddy', { publish: [{ container: 80, host: 80 }] });
  const openwebui = new Container(site, 'openwebui', { image: 'ghcr.io/open-webui/open-webui:v0.6.5', ports: [8080] });
  const vaultwarden = new Container(site, 'vaultwarden', { image: 'docker.io/vaultwarden/server:1.32.7', ports: [80] });
  const paperclip = new Container(site, 'paperclip', { image: 'ghcr.io/sodimo/paperclip:v2026.416.0', publish: [{ container: 3100, host: 3100 }] });
  new Route(caddy, 'openwebui', { host: 'chat.sodimo.eu', target: openwebui.port(8080), description: 'chat.sodimo.eu -> OpenWebUI' });
  new Route(caddy, 'vaultwarden', { host: 'vault.sodimo.eu', target: vaultwarden.port(80) });
  new Route(caddy, 'paperclip', { host: 'paperclip.sodimo.eu', target: paperclip.port(3100) });
  new Route(caddy, 'cockpit', { host: 'cockpit.sodimo.eu', hostPort: 9090, description: 'Cockpit runs on the host, not on the container network' });
  const tunnel = new Tunnel(site, 'cloudflared', { caddy, tunnelId: TUNNEL_ID, originRequest: { connectTimeout: '30s' } });

  const etlEnv = new EnvFile(site, 'sodiwin-etl-env', {
    name: 'sodiwin-etl',
    values: { D1_DATABASE_ID: 'sodiwin' },
    secrets: { CF_API_TOKEN: { description: 'Cloudflare API token with D1 write' } },
  });
  const cache = new Volume(site, 'etl-cache');
  const etl = new Timer(site, 'sodiwin-etl', {
    description: 'nightly Sodiwin ETL to Cloudflare D1',
    onCalendar: '*-*-* 03:00:00 Europe/Paris',
    persistent: true,
    job: new ContainerJob({
      image: 'ghcr.io/sodimo/etl:latest',
      allowFloatingTag: 'pulled at dispatch: the ETL repo publishes :latest only',
      pull: 'newer',
      envFiles: [etlEnv],
      volumes: [{ hostPath: '/mnt/sodiwin-dumps', path: '/dumps', readOnly: true }, { volume: cache, path: '/cache' }],
      networks: [net],
      command: ['etl', '--source', '/dumps'],
    }),
  });
  const drainEnv = new EnvFile(site, 'email-drain-env', {
    name: 'email-drain',
    values: { ALLOWED_SENDERS: 'paperclip@sodimo.eu' },
    secrets: { CF_API_TOKEN: { description: 'Cloudflare API token (queue consumer)' }, CF_ACCOUNT_ID: { description: 'account id' }, CF_QUEUE_ID: { description: 'queue id' } },
  });
  const drain = new Service(site, 'sodimo-email-drain', {
    description: 'pull consumer for the email_outbox queue',
    exec: [home('.local/bin/sodimo-email-drain')],
    envFiles: [drainEnv],
  });
  const backup = new Timer(site, 'nas-sync', {
    onCalendar: ['Mon..Fri 22:30 Europe/Paris', 'Sat,Sun 12:00 Europe/Paris'],
    randomizedDelaySec: 600,
    job: new HostCommand({ argv: [home('.local/bin/nas-sync'), '--dest', 'nas:/backups/100%'] }),
  });
  const lateTarget = opts.targetLast ? new Target(site, 'Target') : undefined;
  return { app, site, net, caddy, openwebui, vaultwarden, paperclip, tunnel, etl, drain, backup, target: target ?? lateTarget! };
}
