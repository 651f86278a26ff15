/**
 * A catalogue of bad inputs, each with the code synth must answer with. The test in
 * catalogue.test.ts checks every entry, and renders docs/errors-catalogue.md from them: the
 * source of each input and the exact message a user sees.
 */
import {
  App, Artifact, Build, Caddy, Container, EnvFile, HostCommand, Image, Kube, Network, Pod, Resource, Route, Secret,
  Service, Site, SiteProps, Target, Timer, Tunnel, Volume,
} from '../../lib';

export interface BadInput {
  /** The code the input must produce (others may come with it). */
  readonly code: string;
  /** What is wrong, in a few words. */
  readonly what: string;
  /** Props of the site `s` (named `test`), if the case needs them. */
  readonly site?: SiteProps;
  /** Builds the bad tree under site `s` of app `app`. */
  readonly build: (s: Site, app: App) => void;
}

/** A valid, pinned image, so that each case has exactly the fault it is about. */
export const IMG = 'docker.io/library/alpine:3.20';

export const BAD_INPUTS: BadInput[] = [
  // core
  { code: 'CORE001', what: 'two containers that require each other', build: (s) => {
    const a = new Container(s, 'a', { image: IMG });
    const b = new Container(s, 'b', { image: IMG, dependsOn: [a] });
    a.addRequirement(b);
  } },
  { code: 'CORE001', what: 'a dependency cycle through three units', build: (s) => {
    const net = new Network(s, 'net');
    const vol = new Volume(s, 'vol');
    const c = new Container(s, 'c', { image: IMG, networks: [net], volumes: [{ volume: vol, path: '/data' }] });
    net.addDependency(vol);
    vol.addDependency(c);
  } },
  { code: 'CORE002', what: 'a unit that depends on a unit of another site', build: (s, app) => {
    const other = new Site(app, 'other');
    const db = new Container(other, 'db', { image: IMG });
    new Container(s, 'web', { image: IMG, dependsOn: [db] });
  } },
  { code: 'CORE003', what: 'two env files with one name (one file)', build: (s) => {
    new EnvFile(s, 'first', { name: 'shared' });
    new EnvFile(s, 'second', { name: 'shared' });
  } },
  { code: 'CORE004', what: 'a custom resource whose renderer throws', build: (s) => {
    class Broken extends Resource {
      public readonly kind = 'broken';
      public render(): void {
        throw new Error('renderer bug');
      }
    }
    new Broken(s, 'broken');
  } },
  { code: 'CORE005', what: 'a registered secret value that reaches a file', build: (s, app) => {
    app.registerSecretValue('correct-horse-battery');
    new Container(s, 'web', { image: IMG, environment: { GREETING: 'correct-horse-battery' } });
  } },
  // sites
  { code: 'SITE001', what: 'a site name that cannot be part of a unit name', site: { name: 'My Site' }, build: (s) => {
    new Container(s, 'web', { image: IMG });
  } },
  { code: 'SITE002', what: 'a container created outside any site', build: (_s, app) => {
    new Container(app, 'loose', { image: IMG });
  } },
  { code: 'SITE003', what: 'a podman version that is not MAJOR.MINOR.PATCH', site: { podmanVersion: '5.4' }, build: () => {} },
  { code: 'SITE004', what: 'a domain that is not a DNS name', site: { domains: ['example org'] }, build: () => {} },
  // images
  { code: 'IMAGE001', what: 'a short image name', build: (s) => {
    new Container(s, 'db', { image: 'postgres:16.4' });
  } },
  { code: 'IMAGE001', what: 'a short image name in an .image unit', build: (s) => {
    new Image(s, 'img', { image: 'alpine:3.20' });
  } },
  { code: 'IMAGE002', what: 'the :latest tag', build: (s) => {
    new Container(s, 'db', { image: 'docker.io/library/postgres:latest' });
  } },
  { code: 'IMAGE002', what: 'no tag at all (means :latest)', build: (s) => {
    new Container(s, 'db', { image: 'docker.io/library/postgres' });
  } },
  { code: 'IMAGE002', what: 'a tag without a version (alpine)', build: (s) => {
    new Container(s, 'proxy', { image: 'docker.io/library/caddy:alpine' });
  } },
  { code: 'IMAGE003', what: 'a tag without a digest on a site that asks for digests', site: { digestPolicy: 'warn' }, build: (s) => {
    new Container(s, 'db', { image: 'docker.io/library/postgres:16.4' });
  } },
  { code: 'IMAGE004', what: 'something that is not an image reference', build: (s) => {
    new Container(s, 'db', { image: 'docker.io/library/Postgres 16' });
  } },
  // ports
  { code: 'PORT001', what: 'one host port published by two containers', build: (s) => {
    new Container(s, 'a', { image: IMG, publish: [{ host: 8080, container: 80 }] });
    new Container(s, 'b', { image: IMG, publish: [{ host: 8080, container: 8080 }] });
  } },
  { code: 'PORT001', what: 'a public port that overlaps a loopback one', build: (s) => {
    new Container(s, 'a', { image: IMG, publish: [{ host: 25, container: 25, public: true }] });
    new Container(s, 'b', { image: IMG, publish: [{ host: 25, container: 2525 }] });
  } },
  { code: 'PORT002', what: 'a port bound to 0.0.0.0 without public: true', build: (s) => {
    new Container(s, 'web', { image: IMG, publish: [{ host: 8080, container: 80, bind: '0.0.0.0' }] });
  } },
  { code: 'PORT003', what: 'a declared port out of range', build: (s) => {
    new Container(s, 'web', { image: IMG, ports: [70000] });
  } },
  { code: 'PORT003', what: 'a published port 0', build: (s) => {
    new Container(s, 'web', { image: IMG, publish: [{ host: 0, container: 80 }] });
  } },
  // quadlet units
  { code: 'QUADLET001', what: 'an .artifact unit on podman 5.4', build: (s) => {
    new Artifact(s, 'model', { artifact: 'quay.io/example/model:v1' });
  } },
  { code: 'QUADLET001', what: 'a key newer than the site\'s podman (HttpProxy= needs 5.7)', build: (s) => {
    new Container(s, 'web', { image: IMG, httpProxy: false });
  } },
  { code: 'QUADLET002', what: 'a raw entry with a key quadlet does not know', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Container', 'Imagee', 'x');
  } },
  { code: 'QUADLET003', what: 'a subnet that is not CIDR', build: (s) => {
    new Network(s, 'net', { subnet: '10.0.0.0' });
  } },
  { code: 'QUADLET003', what: 'an entrypoint that ends with a double quote', build: (s) => {
    new Container(s, 'web', { image: IMG, entrypoint: '/bin/sh -c "run"' });
  } },
  { code: 'QUADLET004', what: 'a unit name with a space', build: (s) => {
    new Container(s, 'web', { image: IMG, name: 'my web' });
  } },
  { code: 'QUADLET005', what: 'a build without an image tag', build: (s) => {
    new Build(s, 'app', { imageTag: [], file: '/srv/app/Containerfile' });
  } },
  { code: 'QUADLET005', what: 'a build with a relative Containerfile and no context', build: (s) => {
    new Build(s, 'app', { imageTag: 'localhost/app:1', file: 'Containerfile' });
  } },
  { code: 'QUADLET005', what: 'an .image unit without an image', build: (s) => {
    new Image(s, 'img', { image: '' });
  } },
  { code: 'QUADLET005', what: 'a kube unit without YAML', build: (s) => {
    new Kube(s, 'play', { yaml: '' });
  } },
  { code: 'QUADLET006', what: 'a gateway without a subnet', build: (s) => {
    new Network(s, 'net', { gateway: '10.0.0.1' });
  } },
  { code: 'QUADLET006', what: 'a volume type without a device', build: (s) => {
    new Volume(s, 'vol', { type: 'nfs' });
  } },
  { code: 'QUADLET010', what: 'two volumes with one unit name', build: (s) => {
    new Volume(s, 'a', { name: 'data' });
    new Volume(s, 'b', { name: 'data' });
  } },
  { code: 'QUADLET011', what: 'a container and a kube unit with one name (both web.service)', build: (s) => {
    new Container(s, 'web', { image: IMG });
    new Kube(s, 'web-kube', { name: 'web', yaml: '/srv/web.yaml' });
  } },
  { code: 'QUADLET012', what: 'two containers with one container name', build: (s) => {
    new Container(s, 'a', { image: IMG, containerName: 'db' });
    new Container(s, 'b', { image: IMG, containerName: 'db' });
  } },
  { code: 'QUADLET013', what: 'a pod and a container with one name', build: (s) => {
    new Pod(s, 'app');
    new Container(s, 'app-c', { image: IMG, containerName: 'app' });
  } },
  { code: 'QUADLET014', what: 'two networks with one podman name', build: (s) => {
    new Network(s, 'a', { networkName: 'edge' });
    new Network(s, 'b', { networkName: 'edge' });
  } },
  { code: 'QUADLET020', what: 'GroupAdd=keep-groups on a rootless site', build: (s) => {
    new Container(s, 'gpu', { image: IMG, groupAdd: ['keep-groups'] });
  } },
  { code: 'QUADLET021', what: 'a pod member that publishes its own port', build: (s) => {
    const pod = new Pod(s, 'app');
    new Container(s, 'web', { image: IMG, pod, publish: [{ host: 8080, container: 80 }] });
  } },
  { code: 'QUADLET022', what: 'a volume owner that is not a numeric id', build: (s) => {
    new Volume(s, 'vol', { user: 1.5 });
  } },
  { code: 'QUADLET023', what: 'a service type quadlet refuses', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Service', 'Type', 'forking');
  } },
  { code: 'QUADLET024', what: 'a kill mode quadlet refuses', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Service', 'KillMode', 'process');
  } },
  { code: 'QUADLET026', what: 'an install target with a slash', build: (s) => {
    new Container(s, 'web', { image: IMG, install: { wantedBy: ['default.target/web'] } });
  } },
  { code: 'QUADLET027', what: 'multi-user.target on a rootless site', build: (s) => {
    new Container(s, 'web', { image: IMG, install: { wantedBy: ['multi-user.target'] } });
  } },
  { code: 'QUADLET029', what: 'a restart policy on a pod', build: (s) => {
    new Pod(s, 'app', { service: { restart: 'always' } });
  } },
  { code: 'DEP001', what: 'a dependency on a unit of another app', build: (s) => {
    const elsewhere = new Site(new App(), 'elsewhere');
    new Container(s, 'web', { image: IMG, dependsOn: [new Container(elsewhere, 'db', { image: IMG })] });
  } },
  // environment and secrets
  { code: 'ENV001', what: 'a variable set in environment and in an env file', build: (s) => {
    const env = new EnvFile(s, 'web-env', { values: { LOG_LEVEL: 'info' } });
    new Container(s, 'web', { image: IMG, environment: { LOG_LEVEL: 'debug' }, envFiles: [env] });
  } },
  { code: 'ENV001', what: 'a variable added twice to one env file', build: (s) => {
    const env = new EnvFile(s, 'web-env', { values: { LOG_LEVEL: 'info' } });
    env.addValue('LOG_LEVEL', 'debug');
  } },
  { code: 'ENV002', what: 'a variable name that starts with a digit', build: (s) => {
    new EnvFile(s, 'web-env', { values: { '1ST': 'x' } });
  } },
  { code: 'ENV002', what: 'a newline in an env file value', build: (s) => {
    new EnvFile(s, 'web-env', { values: { MOTD: 'line one\nline two' } });
  } },
  { code: 'SECRET001', what: 'a password as a literal environment value', build: (s) => {
    new Container(s, 'db', { image: IMG, environment: { POSTGRES_PASSWORD: 'hunter2' } });
  } },
  { code: 'SECRET001', what: 'a token as a literal env file value', build: (s) => {
    new EnvFile(s, 'api-env', { values: { API_TOKEN: 'abc123' } });
  } },
  { code: 'SECRET002', what: 'a podman secret name with a space', build: (s) => {
    new Secret(s, 'key', { name: 'api key' });
  } },
  // edge: Caddy, routes, tunnel
  { code: 'CADDY001', what: 'CADDY_ADMIN set on the Caddy container', build: (s) => {
    new Caddy(s, 'caddy', { environment: { CADDY_ADMIN: 'off' } });
  } },
  { code: 'CADDY002', what: 'a Caddy that publishes no port 80', build: (s) => {
    new Caddy(s, 'caddy', { publish: [{ host: 8080, container: 8080 }] });
  } },
  { code: 'CADDY010', what: 'one hostname routed twice', build: (s) => {
    new Network(s, 'net', { default: true });
    const caddy = new Caddy(s, 'caddy');
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(caddy, 'a', { host: 'web.example.org', target: web.port(80) });
    new Route(caddy, 'b', { host: 'web.example.org', target: web.port(80) });
  } },
  { code: 'CADDY011', what: 'a route to a hostname outside the site\'s domains', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.com', target: web.port(80) });
  } },
  { code: 'CADDY012', what: 'a route hostname that is not a DNS name', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web_app.example.org', target: web.port(80) });
  } },
  { code: 'CADDY014', what: 'a route with no upstream', build: (s) => {
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org' });
  } },
  { code: 'CADDY015', what: 'an upstream that is not an address', build: (s) => {
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org', upstream: 'http://exa mple:80' });
  } },
  { code: 'CADDY019', what: 'a route to a port the container does not declare', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org', target: web.port(8080) });
  } },
  { code: 'TUNNEL006', what: 'a tunnel id that is neither a UUID nor a name', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: new Caddy(s, 'caddy'), tunnelId: 'my tunnel!' });
  } },
  // host units: timers, services, targets
  { code: 'TIMER001', what: 'an OnCalendar expression systemd cannot parse', build: (s) => {
    new Timer(s, 'nightly', { onCalendar: 'every night at 3', job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'TIMER003', what: 'a timer with no schedule', build: (s) => {
    new Timer(s, 'nightly', { onCalendar: [], job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'UNIT003', what: 'a service command that is not an absolute path', build: (s) => {
    new Service(s, 'drain', { exec: ['drain-queue', '--once'] });
  } },
  { code: 'UNIT005', what: 'two site targets', build: (s) => {
    new Target(s, 'one');
    new Target(s, 'two', { name: 'other' });
  } },
];
