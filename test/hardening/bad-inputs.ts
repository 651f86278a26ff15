/**
 * A catalogue of bad inputs, each with the code synth must answer with. The test in
 * catalogue.test.ts checks every entry, and renders docs/errors-catalogue.md from them: the
 * source of each input and the exact message a user sees.
 */
import {
  App, Artifact, BackupJob, DropIn, VolumeTemplate, ContainerJob, ContainerTemplate, Endpoint, home, HostFile, MailStack, MariaDb, PostgresDatabase, SiteConfig, WebApp, Build, Caddy, Container, EnvFile, HostCommand, Image, Kube, Network, Pod, Resource, Route, Secret,
  RootFs, Service, Severity, Site, SiteProps, Target, Timer, Tunnel, Volume,
} from '../../lib';
import { SiteDocs } from '../../lib/docs';
import { LiteLlm, LlamaSwap, LlamaSwapProps, Model, ModelGroup, ModelPolicy } from '../../lib/llm';

export interface BadInput {
  /** The code the input must produce (others may come with it). */
  readonly code: string;
  /** The severity it must have: an error fails the synth and writes nothing, a warning does not. */
  readonly severity: Severity;
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
  { code: 'CORE001', severity: 'error', what: 'two containers that require each other', build: (s) => {
    const a = new Container(s, 'web', { image: IMG });
    const b = new Container(s, 'api', { image: IMG, dependsOn: [a] });
    a.dependsOn(b);
  } },
  { code: 'CORE001', severity: 'error', what: 'a dependency cycle through three units', build: (s) => {
    const net = new Network(s, 'net');
    const vol = new Volume(s, 'vol');
    const c = new Container(s, 'app', { image: IMG, networks: [net], volumes: [{ volume: vol, path: '/data' }] });
    net.dependsOn(vol);
    vol.dependsOn(c);
  } },
  { code: 'CORE002', severity: 'error', what: 'a unit that depends on a unit of another site', build: (s, app) => {
    const other = new Site(app, 'other');
    const db = new Container(other, 'app-db', { image: IMG });
    new Container(s, 'web', { image: IMG, dependsOn: [db] });
  } },
  { code: 'CORE003', severity: 'error', what: 'two env files with one name (one file)', build: (s) => {
    new EnvFile(s, 'first', { name: 'shared' });
    new EnvFile(s, 'second', { name: 'shared' });
  } },
  { code: 'CORE004', severity: 'error', what: 'a custom resource whose renderer throws', build: (s) => {
    class Broken extends Resource {
      public readonly kind = 'broken';
      public render(): void {
        throw new Error('renderer bug');
      }
    }
    new Broken(s, 'broken');
  } },
  { code: 'CORE005', severity: 'error', what: 'a registered secret value that reaches a file', build: (s, app) => {
    app.registerSecretValue('correct-horse-battery');
    new Container(s, 'web', { image: IMG, environment: { GREETING: 'correct-horse-battery' } });
  } },
  // sites
  { code: 'SITE001', severity: 'error', what: 'a site name that cannot be part of a unit name', site: { name: 'My Site' }, build: (s) => {
    new Container(s, 'web', { image: IMG });
  } },
  { code: 'SITE002', severity: 'error', what: 'a container created outside any site', build: (_s, app) => {
    new Container(app, 'loose', { image: IMG });
  } },
  { code: 'SITE003', severity: 'error', what: 'a podman version that is not MAJOR.MINOR.PATCH', site: { podmanVersion: '5.4' }, build: () => {} },
  { code: 'SITE004', severity: 'error', what: 'a domain that is not a DNS name', site: { domains: ['example org'] }, build: () => {} },
  { code: 'SITE005', severity: 'error', what: 'a podman release older than quadlet (4.3)', site: { podmanVersion: '4.3.1' }, build: () => {} },
  { code: 'SITE007', severity: 'error', what: 'an admin-managed users folder on a rootful site', site: { rootless: false, usersDir: 1000 }, build: () => {} },
  { code: 'SITE006', severity: 'warning', what: 'a podman release newer than quadlet-cdk knows (6.1)', site: { podmanVersion: '6.1.0' }, build: () => {} },
  // images
  { code: 'IMAGE001', severity: 'error', what: 'a short image name', build: (s) => {
    new Container(s, 'app-db', { image: 'postgres:16.4' });
  } },
  { code: 'IMAGE001', severity: 'error', what: 'a short image name in an .image unit', build: (s) => {
    new Image(s, 'img', { image: 'alpine:3.20' });
  } },
  { code: 'IMAGE002', severity: 'error', what: 'the :latest tag', build: (s) => {
    new Container(s, 'app-db', { image: 'docker.io/library/postgres:latest' });
  } },
  { code: 'IMAGE002', severity: 'error', what: 'no tag at all (means :latest)', build: (s) => {
    new Container(s, 'app-db', { image: 'docker.io/library/postgres' });
  } },
  { code: 'IMAGE002', severity: 'error', what: 'a tag without a version (alpine)', build: (s) => {
    new Container(s, 'proxy', { image: 'docker.io/library/caddy:alpine' });
  } },
  { code: 'IMAGE003', severity: 'warning', what: 'a tag without a digest on a site that asks for digests', site: { digestPolicy: 'warn' }, build: (s) => {
    new Container(s, 'app-db', { image: 'docker.io/library/postgres:16.4' });
  } },
  { code: 'IMAGE004', severity: 'error', what: 'something that is not an image reference', build: (s) => {
    new Container(s, 'app-db', { image: 'docker.io/library/Postgres 16' });
  } },
  // ports
  { code: 'PORT001', severity: 'error', what: 'one host port published by two containers', build: (s) => {
    new Container(s, 'web', { image: IMG, publish: [{ host: 8080, container: 80 }] });
    new Container(s, 'api', { image: IMG, publish: [{ host: 8080, container: 8080 }] });
  } },
  { code: 'PORT001', severity: 'error', what: 'a public port that overlaps a loopback one', build: (s) => {
    new Container(s, 'web', { image: IMG, publish: [{ host: 25, container: 25, public: true }] });
    new Container(s, 'api', { image: IMG, publish: [{ host: 25, container: 2525 }] });
  } },
  { code: 'PORT002', severity: 'error', what: 'a port bound to 0.0.0.0 without public: true', build: (s) => {
    new Container(s, 'web', { image: IMG, publish: [{ host: 8080, container: 80, bind: '0.0.0.0' }] });
  } },
  { code: 'PORT003', severity: 'error', what: 'a declared port out of range', build: (s) => {
    new Container(s, 'web', { image: IMG, ports: [70000] });
  } },
  { code: 'PORT003', severity: 'error', what: 'a published port 0', build: (s) => {
    new Container(s, 'web', { image: IMG, publish: [{ host: 0, container: 80 }] });
  } },
  // quadlet units
  { code: 'QUADLET001', severity: 'error', what: 'an .artifact unit on podman 5.4', build: (s) => {
    new Artifact(s, 'model', { artifact: 'quay.io/example/model:v1' });
  } },
  { code: 'QUADLET001', severity: 'error', what: 'a key newer than the site\'s podman (HttpProxy= needs 5.7)', build: (s) => {
    new Container(s, 'web', { image: IMG, httpProxy: false });
  } },
  { code: 'QUADLET002', severity: 'error', what: 'a raw entry with a key quadlet does not know', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Container', 'Imagee', 'x');
  } },
  { code: 'QUADLET003', severity: 'error', what: 'a subnet that is not CIDR', build: (s) => {
    new Network(s, 'net', { subnet: '10.0.0.0' });
  } },
  { code: 'QUADLET003', severity: 'error', what: 'an entrypoint that ends with a double quote', build: (s) => {
    new Container(s, 'web', { image: IMG, entrypoint: '/bin/sh -c "run"' });
  } },
  { code: 'QUADLET004', severity: 'error', what: 'a unit name with a space', build: (s) => {
    new Container(s, 'web', { image: IMG, name: 'my web' });
  } },
  { code: 'QUADLET005', severity: 'error', what: 'a build without an image tag', build: (s) => {
    new Build(s, 'app', { imageTag: [], file: '/srv/app/Containerfile' });
  } },
  { code: 'QUADLET005', severity: 'error', what: 'a build with a relative Containerfile and no context', build: (s) => {
    new Build(s, 'app', { imageTag: 'localhost/app:1', file: 'Containerfile' });
  } },
  { code: 'QUADLET005', severity: 'error', what: 'an .image unit without an image', build: (s) => {
    new Image(s, 'img', { image: '' });
  } },
  { code: 'QUADLET005', severity: 'error', what: 'a kube unit without YAML', build: (s) => {
    new Kube(s, 'play', { yaml: '' });
  } },
  { code: 'QUADLET015', severity: 'error', what: 'a subnet inside podman\'s default network 10.88.0.0/16', build: (s) => {
    new Network(s, 'net', { subnet: '10.88.10.0/24' });
  } },
  { code: 'QUADLET006', severity: 'error', what: 'a gateway without a subnet', build: (s) => {
    new Network(s, 'net', { gateway: '10.0.0.1' });
  } },
  { code: 'QUADLET006', severity: 'error', what: 'a volume type without a device', build: (s) => {
    new Volume(s, 'vol', { type: 'nfs' });
  } },
  { code: 'QUADLET010', severity: 'error', what: 'two volumes with one unit name', build: (s) => {
    new Volume(s, 'a', { name: 'data' });
    new Volume(s, 'b', { name: 'data' });
  } },
  { code: 'QUADLET011', severity: 'error', what: 'a container and a kube unit with one name (both web.service)', build: (s) => {
    new Container(s, 'web', { image: IMG });
    new Kube(s, 'web-kube', { name: 'web', yaml: '/srv/web.yaml' });
  } },
  { code: 'QUADLET012', severity: 'error', what: 'two containers with one container name', build: (s) => {
    new Container(s, 'web', { image: IMG, containerName: 'app-db' });
    new Container(s, 'api', { image: IMG, containerName: 'app-db' });
  } },
  { code: 'QUADLET013', severity: 'error', what: 'a pod and a container with one name', build: (s) => {
    new Pod(s, 'app');
    new Container(s, 'app-c', { image: IMG, containerName: 'app' });
  } },
  { code: 'QUADLET014', severity: 'error', what: 'two networks with one podman name', build: (s) => {
    new Network(s, 'a', { networkName: 'edge' });
    new Network(s, 'b', { networkName: 'edge' });
  } },
  { code: 'QUADLET020', severity: 'error', what: 'GroupAdd=keep-groups on a rootless site', build: (s) => {
    new Container(s, 'gpu', { image: IMG, groupAdd: ['keep-groups'] });
  } },
  { code: 'QUADLET036', severity: 'error', what: 'GroupAdd=keep-groups with another group', site: { rootless: false }, build: (s) => {
    new Container(s, 'gpu', { image: IMG, groupAdd: ['keep-groups', 'render'] });
  } },
  { code: 'QUADLET021', severity: 'error', what: 'a pod member that publishes its own port', build: (s) => {
    const pod = new Pod(s, 'app');
    new Container(s, 'web', { image: IMG, pod, publish: [{ host: 8080, container: 80 }] });
  } },
  { code: 'QUADLET022', severity: 'error', what: 'a volume owner that is not a numeric id', build: (s) => {
    new Volume(s, 'vol', { user: 1.5 });
  } },
  { code: 'QUADLET023', severity: 'error', what: 'a service type quadlet refuses', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Service', 'Type', 'forking');
  } },
  { code: 'QUADLET024', severity: 'error', what: 'a kill mode quadlet refuses', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Service', 'KillMode', 'process');
  } },
  { code: 'QUADLET026', severity: 'error', what: 'an install target with a slash', build: (s) => {
    new Container(s, 'web', { image: IMG, install: { wantedBy: ['default.target/web'] } });
  } },
  { code: 'QUADLET027', severity: 'error', what: 'multi-user.target on a rootless site', build: (s) => {
    new Container(s, 'web', { image: IMG, install: { wantedBy: ['multi-user.target'] } });
  } },
  { code: 'QUADLET029', severity: 'warning', what: 'a restart policy on a pod', build: (s) => {
    new Pod(s, 'app', { service: { restart: 'always' } });
  } },
  { code: 'QUADLET030', severity: 'error', what: 'Notify=healthy on a site that targets podman 4.9 (read as a boolean before 5.0)', site: { podmanVersion: '4.9.3' }, build: (s) => {
    new Container(s, 'web', { image: IMG, notify: 'healthy', healthCmd: 'true' });
  } },
  { code: 'QUADLET030', severity: 'error', what: 'a user name on a site that targets podman 4.7 (read as uid 0 before 4.8)', site: { podmanVersion: '4.7.2' }, build: (s) => {
    new Container(s, 'web', { image: IMG, user: 'www-data' });
  } },
  { code: 'QUADLET030', severity: 'error', what: 'two image tags on a build for podman 5.2 (only the last is read before 5.3)', site: { podmanVersion: '5.2.0' }, build: (s) => {
    new Build(s, 'app', { imageTag: ['localhost/app:1', 'localhost/app:latest'], file: '/srv/app/Containerfile' });
  } },
  { code: 'QUADLET035', severity: 'error', what: 'a container joining a .pod unit the site does not have (through the escape hatch)', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Container', 'Pod', 'missing.pod');
  } },
  { code: 'QUADLET031', severity: 'error', what: 'a drop-in for a container that sets [Volume] keys', build: (s) => {
    new DropIn(s, 'extra', { to: new Container(s, 'web', { image: IMG }), volume: { driver: 'local' } });
  } },
  { code: 'QUADLET032', severity: 'error', what: 'a plain container that mounts a template volume', site: { podmanVersion: '5.8.6' }, build: (s) => {
    new Container(s, 'web', { image: IMG, volumes: [{ volume: new VolumeTemplate(s, 'data'), path: '/data' }] });
  } },
  { code: 'QUADLET033', severity: 'warning', what: '[Service] User= on a container unit (podman 5.6+ warns too)', build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Service', 'User', 'www-data');
  } },
  { code: 'QUADLET034', severity: 'error', what: 'a .quadlets bundle on a site that targets podman 5.6', site: { podmanVersion: '5.6.0', quadletOutput: 'bundle' }, build: (s) => {
    new Container(s, 'web', { image: IMG });
  } },
  { code: 'QUADLET037', severity: 'warning', what: 'a template unit in a .quadlets bundle (podman quadlet list and rm fail on it)', site: { podmanVersion: '5.8.6', quadletOutput: 'bundle' }, build: (s) => {
    new ContainerTemplate(s, 'worker', { image: IMG }).instance('a', { enabled: true });
  } },
  { code: 'DEP001', severity: 'error', what: 'a dependency on a unit of another app', build: (s) => {
    const elsewhere = new Site(new App(), 'elsewhere');
    new Container(s, 'web', { image: IMG, dependsOn: [new Container(elsewhere, 'app-db', { image: IMG })] });
  } },
  { code: 'DEP002', severity: 'warning', what: 'waiting for health on a site that targets podman 4.9 (Notify=healthy needs 5.0)', site: { podmanVersion: '4.9.3' }, build: (s) => {
    const db = new Container(s, 'db', { image: IMG, healthCmd: 'pg_isready -h 127.0.0.1' });
    new Container(s, 'web', { image: IMG, dependsOn: [{ unit: db, ready: 'healthy' }] });
  } },
  { code: 'DEP003', severity: 'error', what: 'waiting for the health of a container that has no health check', build: (s) => {
    const db = new Container(s, 'db', { image: IMG });
    new Container(s, 'web', { image: IMG, dependsOn: [{ unit: db, ready: 'healthy' }] });
  } },
  // environment and secrets
  { code: 'ENV001', severity: 'error', what: 'a variable set in environment and in an env file', build: (s) => {
    const env = new EnvFile(s, 'web-env', { values: { LOG_LEVEL: 'info' } });
    new Container(s, 'web', { image: IMG, environment: { LOG_LEVEL: 'debug' }, envFiles: [env] });
  } },
  { code: 'ENV001', severity: 'error', what: 'a variable added twice to one env file', build: (s) => {
    const env = new EnvFile(s, 'web-env', { values: { LOG_LEVEL: 'info' } });
    env.addValue('LOG_LEVEL', 'debug');
  } },
  { code: 'ENV002', severity: 'error', what: 'a variable name that starts with a digit', build: (s) => {
    new EnvFile(s, 'web-env', { values: { '1ST': 'x' } });
  } },
  { code: 'ENV002', severity: 'error', what: 'a newline in an env file value', build: (s) => {
    new EnvFile(s, 'web-env', { values: { MOTD: 'line one\nline two' } });
  } },
  { code: 'SECRET001', severity: 'error', what: 'a password as a literal environment value', build: (s) => {
    new Container(s, 'app-db', { image: IMG, environment: { POSTGRES_PASSWORD: 'hunter2' } });
  } },
  { code: 'SECRET001', severity: 'error', what: 'a token as a literal env file value', build: (s) => {
    new EnvFile(s, 'api-env', { values: { API_TOKEN: 'abc123' } });
  } },
  { code: 'SECRET002', severity: 'error', what: 'a podman secret name with a space', build: (s) => {
    new Secret(s, 'key', { name: 'api key' });
  } },
  { code: 'SECRET001', severity: 'error', what: 'a password inside a URL', build: (s) => {
    new Container(s, 'web', { image: IMG, environment: { DATABASE_URL: 'postgres://app:hunter2@app-db/app' } });
  } },
  { code: 'SECRET001', severity: 'error', what: 'registry credentials with a password', build: (s) => {
    new Image(s, 'img', { image: IMG, creds: 'robot:hunter2' });
  } },
  { code: 'SECRET001', severity: 'error', what: 'a credential flag among podman arguments', build: (s) => {
    new Container(s, 'web', { image: IMG, podmanArgs: ['--creds=robot:hunter2'] });
  } },
  { code: 'SECRET003', severity: 'error', what: 'a secret mount target with a comma', build: (s) => {
    new Container(s, 'web', { image: IMG, secrets: [{ secret: new Secret(s, 'key'), target: '/run/key,mode=0444' }] });
  } },
  // names
  { code: 'NAME001', severity: 'error', what: 'an env file name with a newline', build: (s) => {
    new EnvFile(s, 'web-env', { name: 'web\n*' });
  } },
  { code: 'NAME001', severity: 'error', what: 'a container name with a space', build: (s) => {
    new Container(s, 'web', { image: IMG, containerName: 'web evil' });
  } },
  { code: 'NAME001', severity: 'error', what: 'an install target with a specifier', build: (s) => {
    new Container(s, 'web', { image: IMG, install: { wantedBy: ['%i.target'] } });
  } },
  { code: 'NAME001', severity: 'error', what: 'a dependency on a container name with a newline', build: (s) => {
    new Container(s, 'web', { image: IMG, dependsOn: [Container.fromName('db\nExecStartPre=/bin/sh')] });
  } },
  { code: 'NAME002', severity: 'error', what: 'a network name too long for its service name', build: (s) => {
    new Network(s, 'n'.repeat(245));
  } },
  { code: 'NAME003', severity: 'warning', what: 'two units whose names differ only in case', build: (s) => {
    new Container(s, 'Web', { image: IMG, containerName: 'Web-app' });
    new Container(s, 'web', { image: IMG });
  } },
  { code: 'NAME004', severity: 'error', what: 'a container name made only of hex digits', build: (s) => {
    new Container(s, 'db', { image: IMG });
  } },
  { code: 'NAME004', severity: 'error', what: 'a timer job whose container takes an all-hex name', build: (s) => {
    new Timer(s, 'add', { onCalendar: '*-*-* 03:00:00 Europe/Berlin', job: new ContainerJob({ image: IMG }) });
  } },
  { code: 'NAME005', severity: 'error', what: 'a construct id with a carriage return', build: (s) => {
    new Container(s, 'web\r[Service]', { image: IMG, name: 'web' });
  } },
  // edge: Caddy, routes, tunnel
  { code: 'CADDY001', severity: 'error', what: 'CADDY_ADMIN set on the Caddy container', build: (s) => {
    new Caddy(s, 'caddy', { environment: { CADDY_ADMIN: 'off' } });
  } },
  { code: 'CADDY002', severity: 'error', what: 'a Caddy that publishes no port 80', build: (s) => {
    new Caddy(s, 'caddy', { publish: [{ host: 8080, container: 8080 }] });
  } },
  { code: 'CADDY010', severity: 'error', what: 'one hostname routed twice', build: (s) => {
    new Network(s, 'net', { default: true });
    const caddy = new Caddy(s, 'caddy');
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(caddy, 'a', { host: 'web.example.org', target: web.port(80) });
    new Route(caddy, 'b', { host: 'web.example.org', target: web.port(80) });
  } },
  { code: 'CADDY011', severity: 'error', what: 'a route to a hostname outside the site\'s domains', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.com', target: web.port(80) });
  } },
  { code: 'CADDY012', severity: 'error', what: 'a route hostname that is not a DNS name', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web_app.example.org', target: web.port(80) });
  } },
  { code: 'CADDY014', severity: 'error', what: 'a route with no upstream', build: (s) => {
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org' });
  } },
  { code: 'CADDY015', severity: 'error', what: 'an upstream that is not an address', build: (s) => {
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org', upstream: 'http://exa mple:80' });
  } },
  { code: 'CADDY019', severity: 'error', what: 'a route to a port the container does not declare', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org', target: web.port(8080) });
  } },
  { code: 'TUNNEL006', severity: 'error', what: 'a tunnel id that is neither a UUID nor a name', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: new Caddy(s, 'caddy'), tunnelId: 'my tunnel!' });
  } },
  // host units: timers, services, targets
  { code: 'TIMER001', severity: 'error', what: 'an OnCalendar expression systemd cannot parse', build: (s) => {
    new Timer(s, 'nightly', { onCalendar: 'every night at 3', job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'TIMER003', severity: 'error', what: 'a timer with no schedule', build: (s) => {
    new Timer(s, 'nightly', { onCalendar: [], job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'UNIT003', severity: 'error', what: 'a service command that is not an absolute path', build: (s) => {
    new Service(s, 'drain', { exec: ['drain-queue', '--once'] });
  } },
  { code: 'UNIT005', severity: 'error', what: 'two site targets', build: (s) => {
    new Target(s, 'one');
    new Target(s, 'two', { name: 'other' });
  } },
  { code: 'TIMER002', severity: 'warning', what: 'a schedule without a time zone', build: (s) => {
    new Timer(s, 'nightly', { onCalendar: '03:00', job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'TIMER004', severity: 'warning', what: 'a run at 02:30 Paris time, in the hour the clocks skip each spring (checked for the first year it can run)', build: (s) => {
    new Timer(s, 'nightly', { onCalendar: '2099-*-* 02:30:00 Europe/Paris', job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'UNIT001', severity: 'error', what: 'a service name with an "@"', build: (s) => {
    new Service(s, 'bad@name', { exec: ['/usr/bin/true'] });
  } },
  { code: 'UNIT002', severity: 'error', what: 'a lone ";" in a command (systemd reads it as a separator)', build: (s) => {
    new Service(s, 'echo', { exec: ['/bin/echo', ';'] });
  } },
  { code: 'UNIT004', severity: 'error', what: 'a plain service named like a container\'s generated service', build: (s) => {
    new Container(s, 'caddy', { image: IMG });
    new Service(s, 'caddy-svc', { name: 'caddy', exec: ['/usr/bin/true'] });
  } },
  { code: 'UNIT006', severity: 'error', what: 'a service with both a command and a job', build: (s) => {
    new Service(s, 'both', { exec: ['/usr/bin/true'], job: new HostCommand({ argv: ['/usr/bin/true'] }) });
  } },
  { code: 'UNIT006', severity: 'error', what: 'a service with no command at all', build: (s) => {
    new Service(s, 'none', {});
  } },
  // core, continued
  { code: 'CORE006', severity: 'error', what: 'one construct id used twice in a scope', build: (s) => {
    new Container(s, 'web', { image: IMG });
    new Volume(s, 'web');
  } },
  // environment: peers named in values
  { code: 'ENV003', severity: 'error', what: 'a URL naming a host no peer answers to', build: (s) => {
    new Network(s, 'net', { default: true });
    new Container(s, 'web', { image: IMG, environment: { API_URL: 'http://ghost:8080/v1' } });
  } },
  { code: 'ENV004', severity: 'warning', what: 'a peer named in an env file but not depended on', build: (s) => {
    new Network(s, 'net', { default: true });
    new Container(s, 'app-db', { image: IMG });
    new Container(s, 'web', { image: IMG, envFiles: [new EnvFile(s, 'web-env', { values: { DB_HOST: 'app-db' } })] });
  } },
  { code: 'IMAGE010', severity: 'error', what: 'piler without the MYSQL_HOSTNAME of its database', build: (s) => {
    new Network(s, 'net', { default: true });
    new Container(s, 'piler', { image: 'docker.io/sutoj/piler:1.4.5' });
  } },
  // edge, continued
  { code: 'CADDY003', severity: 'warning', what: 'a Caddy that publishes 443 (TLS ends at Cloudflare)', build: (s) => {
    new Caddy(s, 'caddy', { publish: [{ container: 80, host: 80 }, { container: 443, host: 443 }] });
  } },
  { code: 'CADDY013', severity: 'error', what: 'a route target on no network Caddy joins', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80], networks: [new Network(s, 'private')] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org', target: web.port(80) });
  } },
  { code: 'CADDY016', severity: 'error', what: 'a path matcher without a leading "/"', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'web', { host: 'web.example.org', target: web.port(80), paths: [{ path: 'api', target: web.port(80) }] });
  } },
  { code: 'CADDY017', severity: 'warning', what: 'a route to the WebSocket port vaultwarden 1.29+ no longer serves', build: (s) => {
    new Network(s, 'net', { default: true });
    const vw = new Container(s, 'vaultwarden', { image: 'docker.io/vaultwarden/server:1.32.7', ports: [80, 3012] });
    new Route(new Caddy(s, 'caddy'), 'vault', { host: 'vault.example.org', target: vw.port(80), paths: [{ path: '/notifications/hub', target: vw.port(3012) }] });
  } },
  { code: 'CADDY018', severity: 'error', what: 'a route name starting with "." (Caddy\'s import glob skips it)', build: (s) => {
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', { image: IMG, ports: [80] });
    new Route(new Caddy(s, 'caddy'), 'dot', { name: '.hidden', host: 'web.example.org', target: web.port(80) });
  } },
  { code: 'TUNNEL001', severity: 'warning', what: 'a tunnel whose Caddy has no routes', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: new Caddy(s, 'caddy'), tunnelId: TUNNEL_ID });
  } },
  { code: 'TUNNEL002', severity: 'error', what: 'an extra catch-all rule before the routes', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: routedCaddy(s), tunnelId: TUNNEL_ID, extraRules: [{ service: 'http_status:503' }] });
  } },
  { code: 'TUNNEL003', severity: 'error', what: 'an ingress hostname with a port', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: routedCaddy(s), tunnelId: TUNNEL_ID, extraRules: [{ hostname: 'a.example.org:443', service: 'http://localhost:80' }] });
  } },
  { code: 'TUNNEL004', severity: 'error', what: 'an ingress service without a scheme', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: routedCaddy(s), tunnelId: TUNNEL_ID, extraRules: [{ hostname: 'c.example.org', service: 'localhost:80' }] });
  } },
  { code: 'TUNNEL005', severity: 'error', what: 'an ingress path that is not a regular expression', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: routedCaddy(s), tunnelId: TUNNEL_ID, extraRules: [{ hostname: 'd.example.org', path: '(unclosed', service: 'http://localhost:80' }] });
  } },
  { code: 'TUNNEL007', severity: 'error', what: 'a tunnel to a Caddy that publishes no port', build: (s) => {
    const caddy = new Caddy(s, 'caddy', { publish: [] });
    new Route(caddy, 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
    new Tunnel(s, 'cloudflared', { caddy, tunnelId: TUNNEL_ID });
  } },
  { code: 'TUNNEL008', severity: 'error', what: 'a misspelt originRequest key', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: routedCaddy(s), tunnelId: TUNNEL_ID, originRequest: { connectTimout: '30s' } });
  } },
  { code: 'TUNNEL009', severity: 'warning', what: 'an extra wildcard rule that shadows a route', build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: routedCaddy(s), tunnelId: TUNNEL_ID, extraRules: [{ hostname: '*.example.org', service: 'http://localhost:9000' }] });
  } },
  // cross-host endpoints
  { code: 'XHOST001', severity: 'error', what: 'an endpoint used on its own site', build: (s) => {
    new Network(s, 'net', { default: true });
    const api = new Container(s, 'api', { image: IMG, publish: [{ container: 8080, host: 8080, bind: '192.168.1.10' }] });
    const ep = new Endpoint(s, 'api-ep', { target: api.port(8080), address: 'gpu.lan' });
    ep.connect(new Container(s, 'agent', { image: IMG }), { envVar: 'API_URL' });
  } },
  { code: 'XHOST002', severity: 'error', what: 'an endpoint to a port the container does not publish', build: (s) => {
    const api = new Container(s, 'api', { image: IMG, ports: [8080] });
    new Endpoint(s, 'api-ep', { target: api.port(8080), address: 'gpu.lan' });
  } },
  { code: 'XHOST003', severity: 'error', what: 'an endpoint to a port published on loopback only', build: (s) => {
    const api = new Container(s, 'api', { image: IMG, publish: [{ container: 8080, host: 8080 }] });
    new Endpoint(s, 'api-ep', { target: api.port(8080), address: 'gpu.lan' });
  } },
  { code: 'XHOST004', severity: 'error', what: 'a URL naming a container of another site', build: (s, app) => {
    new Container(s, 'search', { image: IMG, ports: [8080] });
    new Container(new Site(app, 'apps'), 'ui', { image: IMG, environment: { SEARCH_URL: 'http://search:8080' } });
  } },
  { code: 'XHOST005', severity: 'error', what: 'connectRemote through an endpoint of another container', build: (s, app) => {
    const gateway = new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, publish: [{ container: 4000, host: 4000, bind: '192.168.1.10' }] });
    const other = new Container(s, 'other', { image: IMG, publish: [{ container: 8080, host: 8080, bind: '192.168.1.10' }] });
    const ui = new Container(new Site(app, 'apps'), 'ui', { image: IMG });
    gateway.connectRemote(ui, new Endpoint(s, 'other-ep', { target: other.port(8080), address: 'gpu.lan' }));
  } },
  { code: 'XHOST006', severity: 'error', what: 'an endpoint address with a scheme and port', build: (s) => {
    const api = new Container(s, 'api', { image: IMG, publish: [{ container: 8080, host: 8080, bind: '192.168.1.10' }] });
    new Endpoint(s, 'api-ep', { target: api.port(8080), address: 'http://gpu.lan:8080' });
  } },
  // site config files (site.toml)
  { code: 'CONFIG001', severity: 'error', what: 'a config file that does not exist', build: (_s, app) => {
    SiteConfig.load(app, '/nonexistent/site.toml');
  } },
  { code: 'CONFIG002', severity: 'error', what: 'a config file that is not TOML (an unquoted string)', build: (_s, app) => {
    SiteConfig.fromString(app, '[site]\nname = "home"\ndomains = [example.org]\n');
  } },
  { code: 'CONFIG003', severity: 'error', what: 'a misspelt key in a config file', build: (_s, app) => {
    SiteConfig.fromString(app, '[site]\nname = "home"\n[site.network]\nsubnett = "10.0.0.0/24"\n');
  } },
  { code: 'CONFIG004', severity: 'error', what: 'a host bind address on loopback', build: (_s, app) => {
    SiteConfig.fromString(app, '[site]\nname = "home"\n[hosts.gpu]\naddress = "gpu.lan"\nbind = "127.0.0.1"\n');
  } },
  { code: 'CONFIG005', severity: 'error', what: 'a config file without a [site] table', build: (_s, app) => {
    SiteConfig.fromString(app, '[images]\nx = "docker.io/library/x:1"\n');
  } },
  { code: 'CONFIG006', severity: 'error', what: 'a short image name in [images]', build: (_s, app) => {
    SiteConfig.fromString(app, '[site]\nname = "home"\n[images]\nopenwebui = "open-webui"\n');
  } },
  { code: 'CONFIG007', severity: 'error', what: 'the code asks for an image the file lacks', build: (s, app) => {
    const cfg = SiteConfig.fromString(app, '[site]\nname = "home"\n');
    new Container(s, 'wiki', { image: cfg.image('wiki') });
  } },
  { code: 'CONFIG008', severity: 'error', what: 'a site host that is no [hosts] entry', build: (_s, app) => {
    SiteConfig.fromString(app, '[site]\nname = "home"\nhost = "gpu"\n');
  } },
  // docs
  { code: 'DOCS001', severity: 'error', what: 'a docs file name that escapes the docs folder', build: (s) => {
    new Container(s, 'web', { image: IMG });
    new SiteDocs(s, 'docs', { fileName: '../escape.md' });
  } },
  // patterns
  { code: 'PATTERN001', severity: 'error', what: 'a database whose volume id is already taken', build: (s) => {
    new Network(s, 'net', { default: true });
    new Volume(s, 'app-db-data', { name: 'something-else' });
    new PostgresDatabase(s, 'app-db');
  } },
  { code: 'PATTERN002', severity: 'error', what: 'a database name with a space (it cannot go into a URL)', build: (s) => {
    new Network(s, 'net', { default: true });
    new PostgresDatabase(s, 'app-db', { database: 'my db' });
  } },
  { code: 'PATTERN003', severity: 'error', what: 'a consumer on another network than its database', build: (s) => {
    new Network(s, 'net', { default: true });
    const env = new EnvFile(s, 'app-env', { name: 'app' });
    const app = new Container(s, 'app', { image: IMG, networks: [new Network(s, 'other')] });
    new PostgresDatabase(s, 'app-db').connect(app, { envFile: env });
  } },
  { code: 'PATTERN004', severity: 'error', what: 'a web app with a host but no caddy', build: (s) => {
    new Network(s, 'net', { default: true });
    new WebApp(s, 'app', { image: IMG, port: 80, host: 'app.example.org' });
  } },
  { code: 'PATTERN005', severity: 'error', what: 'a mail domain that is not a DNS name', build: (s) => {
    new Network(s, 'net', { default: true });
    new MailStack(s, 'mail', { hostname: 'mail.example.org', domains: ['Not A Domain'] });
  } },
  { code: 'PATTERN006', severity: 'warning', what: 'a backup that copies a live database\'s volume', build: (s) => {
    new Network(s, 'net', { default: true });
    const db = new PostgresDatabase(s, 'wiki-db');
    new BackupJob(s, 'backup', { volumes: [db.volume], target: '/srv/backup' });
  } },
  { code: 'PATTERN007', severity: 'error', what: 'a backup with nothing to back up', build: (s) => {
    new BackupJob(s, 'backup', { target: '/srv/backup' });
  } },
  { code: 'PATTERN009', severity: 'error', what: 'a web app health path that is not a URL path', build: (s) => {
    new WebApp(s, 'api', { image: IMG, port: 8080, healthPath: 'alive now' });
  } },
  { code: 'PATTERN010', severity: 'warning', what: 'a database connection that names no host variable', build: (s) => {
    new Network(s, 'net', { default: true });
    const app = new Container(s, 'app', { image: IMG });
    new MariaDb(s, 'app-mysql').connect(app, { envFile: new EnvFile(s, 'app-env', { name: 'app' }), userVar: 'MYSQL_USER', passwordVar: 'MYSQL_PASSWORD' });
  } },
  { code: 'PATTERN008', severity: 'error', what: 'a backup source name with a space', build: (s) => {
    new BackupJob(s, 'backup', { paths: { 'my docs': '/home/me/docs' }, target: '/srv/backup' });
  } },
  // llama-swap
  { code: 'LLM001', severity: 'error', what: 'a model proxy that names the llama-swap container', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', proxy: 'http://llama-swap:8080' });
  } },
  { code: 'LLM002', severity: 'error', what: 'a ${HOME} llama-swap cannot expand', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', args: ['--log-file', '${HOME}/log'] });
  } },
  { code: 'LLM003', severity: 'error', what: 'a macro named PORT (reserved)', build: (s) => {
    new Model(llamaSwap(s, { macros: { PORT: '1' } }), 'qwen', { modelFile: 'qwen.gguf' });
  } },
  { code: 'LLM004', severity: 'error', what: 'an ${env.NAME} the llama-swap container does not set', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', env: { GFX: '${env.HSA_OVERRIDE_GFX_VERSION}' } });
  } },
  { code: 'LLM005', severity: 'error', what: 'a model without the policy\'s mandatory flags', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', includeMandatoryFlags: false });
  } },
  { code: 'LLM006', severity: 'error', what: 'a model that sets a mandatory flag to another value', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', args: ['-ngl', '20'] });
  } },
  { code: 'LLM007', severity: 'error', what: 'an alias equal to another model\'s id', build: (s) => {
    const ls = llamaSwap(s);
    new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
    new Model(ls, 'gemma', { modelFile: 'gemma.gguf', aliases: ['qwen'] });
  } },
  { code: 'LLM008', severity: 'error', what: 'a model in two groups', build: (s) => {
    const ls = llamaSwap(s);
    const qwen = new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
    new ModelGroup(ls, 'one', { members: [qwen] });
    new ModelGroup(ls, 'two', { members: [qwen] });
  } },
  { code: 'LLM009', severity: 'error', what: 'a group member that is no model of this llama-swap', build: (s) => {
    const ls = llamaSwap(s);
    new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
    new ModelGroup(ls, 'g', { members: ['nope'] });
  } },
  { code: 'LLM010', severity: 'error', what: 'a preload id that names no model', build: (s) => {
    new Model(llamaSwap(s, { preload: ['typo'] }), 'qwen', { modelFile: 'qwen.gguf' });
  } },
  { code: 'LLM011', severity: 'error', what: 'a negative model ttl', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', ttl: -1 });
  } },
  { code: 'LLM012', severity: 'error', what: 'the second shard of a split GGUF as the model file', build: (s) => {
    new Model(llamaSwap(s), 'big', { modelFile: 'big/big-00002-of-00002.gguf' });
  } },
  { code: 'LLM013', severity: 'error', what: 'a filter on the protected "model" parameter', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', filters: { setParams: { model: 'x' } } });
  } },
  { code: 'LLM014', severity: 'error', what: 'a health check timeout below llama-swap\'s minimum', build: (s) => {
    new Model(llamaSwap(s, { healthCheckTimeout: 10 }), 'qwen', { modelFile: 'qwen.gguf' });
  } },
  { code: 'LLM015', severity: 'warning', what: 'a policy exemption for a model that does not exist', build: (s) => {
    new Model(llamaSwap(s, { policy: new ModelPolicy({ mandatoryFlags: '-ngl 999', exempt: ['gone'] }) }), 'qwen', { modelFile: 'qwen.gguf' });
  } },
  { code: 'LLM016', severity: 'error', what: 'a model argument with a line llama-swap would drop', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', args: ['--system-prompt', 'be brief\n# never mind'] });
  } },
  { code: 'LLM030', severity: 'error', what: 'a rendered llama-swap file its schema refuses (a self-proxy)', build: (s) => {
    new Model(llamaSwap(s), 'qwen', { modelFile: 'qwen.gguf', proxy: 'http://localhost:${PORT}' });
  } },
  { code: 'LLM032', severity: 'error', what: 'a rendered llama-swap group naming no model', build: (s) => {
    const ls = llamaSwap(s);
    new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
    ls.addGroup('g', { members: ['ghost'] });
  } },
  // LiteLLM gateway
  { code: 'LLM020', severity: 'error', what: 'a local route that names no model', build: (s) => {
    gateway(s).addLocalRoute('local-typo');
  } },
  { code: 'LLM021', severity: 'error', what: 'a gateway on no network llama-swap joins', build: (s) => {
    const ls = llamaSwap(s);
    new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
    new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, llamaSwap: ls, networks: [new Network(s, 'island')] }).addLocalRoute('qwen');
  } },
  { code: 'LLM022', severity: 'error', what: 'a gateway timeout below llama-swap\'s health check timeout', build: (s) => {
    const ls = llamaSwap(s);
    new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
    new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, llamaSwap: ls, requestTimeout: 300 }).addLocalRoute('qwen');
  } },
  { code: 'LLM023', severity: 'error', what: 'a cloud API key given as a literal', build: (s) => {
    gateway(s).addCloudRoute('claude', { provider: 'anthropic', model: 'claude-opus-4-7', apiKey: 'sk-ant-literal' as any });
  } },
  { code: 'LLM024', severity: 'error', what: 'a fallback to a route that does not exist', build: (s) => {
    gateway(s).addFallback('nope', ['qwen']);
  } },
  { code: 'LLM025', severity: 'error', what: 'a gateway health check on /health (it loads models)', build: (s) => {
    new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, healthCmd: 'curl -f http://127.0.0.1:4000/health' });
  } },
  { code: 'LLM026', severity: 'error', what: 'a container pointed at llama-swap directly', build: (s) => {
    gateway(s);
    new Container(s, 'web', { image: IMG, environment: { OPENAI_API_BASE_URL: 'http://llama-swap:8080/v1' } });
  } },
  { code: 'LLM027', severity: 'error', what: 'a consumer key variable nothing provides', build: (s) => {
    gateway(s).connect(new Container(s, 'web', { image: IMG }), { keyVar: 'OPENAI_API_KEY' });
  } },
  { code: 'LLM028', severity: 'error', what: 'a misspelt router setting', build: (s) => {
    new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, routerSettings: { routing_stratgy: 'least-busy' } });
  } },
  { code: 'LLM031', severity: 'error', what: 'a rendered LiteLLM file its schema refuses (background health checks)', build: (s) => {
    new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, generalSettings: { background_health_checks: true } });
  } },
  // site.toml: keys that are JavaScript built-ins, and nesting
  { code: 'CONFIG009', severity: 'error', what: 'a site.toml table named like a JavaScript built-in', build: (_s, app) => {
    SiteConfig.fromString(app, '[site]\nname = "home"\n[hosts.constructor]\naddress = "x"\n');
  } },
  { code: 'CONFIG010', severity: 'error', what: 'a site.toml key nested 6,000 tables deep', build: (_s, app) => {
    SiteConfig.fromString(app, `${Array(6000).fill('a').join('.')} = 1\n[site]\nname = "home"\n`);
  } },
  // the Kubernetes backend (site props { backend: 'kubernetes' })
  { code: 'K8S001', severity: 'error', what: 'a container name Kubernetes cannot name a Service after', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web_app', { image: IMG, ports: [8080] });
  } },
  { code: 'K8S001', severity: 'error', what: 'a namespace that is not a DNS label', site: { backend: 'kubernetes', kubernetes: { namespace: 'My Apps' } }, build: (s) => {
    new Container(s, 'web', { image: IMG });
  } },
  { code: 'K8S002', severity: 'warning', what: 'host networking on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, networkMode: 'host' });
  } },
  { code: 'K8S003', severity: 'warning', what: 'a host folder mounted without the hostPaths opt-in', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, volumes: [{ hostPath: '/srv/data', path: '/data' }] });
  } },
  { code: 'K8S004', severity: 'warning', what: 'a host folder mounted with the opt-in (the pod is pinned)', site: { backend: 'kubernetes', kubernetes: { hostPaths: true, keepPlacement: true } }, build: (s) => {
    new Container(s, 'web', { image: IMG, volumes: [{ hostPath: '/srv/data', path: '/data' }] });
  } },
  { code: 'K8S005', severity: 'warning', what: 'a GPU device (needs the device plugin)', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, addDevice: ['/dev/dri'] });
  } },
  { code: 'K8S006', severity: 'warning', what: 'a host systemd service on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Service(s, 'drain', { exec: ['/usr/bin/true'] });
  } },
  { code: 'K8S007', severity: 'warning', what: 'raw podman arguments on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, podmanArgs: ['--privileged'] });
  } },
  { code: 'K8S008', severity: 'warning', what: 'a calendar expression cron cannot say (end of month)', site: { backend: 'kubernetes' }, build: (s) => {
    new Timer(s, 'month-end', { onCalendar: '*-*~01 03:00 UTC', job: new ContainerJob({ image: IMG }) });
  } },
  { code: 'K8S009', severity: 'info', what: 'a CronJob schedule without a time zone', site: { backend: 'kubernetes' }, build: (s) => {
    new Timer(s, 'nightly', { onCalendar: '*-*-* 03:00:00', job: new ContainerJob({ image: IMG }) });
  } },
  { code: 'K8S010', severity: 'warning', what: 'a quadlet setting with no Kubernetes equivalent', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, ulimit: ['nofile=1024'] });
  } },
  { code: 'K8S011', severity: 'info', what: 'a volume without a size for its claim', site: { backend: 'kubernetes' }, build: (s) => {
    new Volume(s, 'data');
  } },
  { code: 'K8S012', severity: 'warning', what: 'a route to a host port on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Route(new Caddy(s, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine' }), 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
  } },
  { code: 'K8S013', severity: 'info', what: 'Caddy on a cluster (replaced by the Ingress controller)', site: { backend: 'kubernetes' }, build: (s) => {
    new Caddy(s, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine' });
  } },
  { code: 'K8S014', severity: 'warning', what: 'a tunnel on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Tunnel(s, 'cloudflared', { caddy: new Caddy(s, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine' }), tunnelId: TUNNEL_ID });
  } },
  { code: 'K8S015', severity: 'info', what: 'a dependency with no port to wait for', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, dependsOn: [new Container(s, 'worker', { image: IMG })] });
  } },
  { code: 'K8S016', severity: 'warning', what: 'an image built on the host, run on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: new Build(s, 'tool', { imageTag: 'localhost/tool:1.0', file: '/srv/tool/Containerfile' }) });
  } },
  { code: 'K8S017', severity: 'warning', what: 'a cross-host endpoint inside one cluster', site: { backend: 'kubernetes' }, build: (s) => {
    const gw = new Container(s, 'gateway', { image: IMG, publish: [{ container: 4000, public: true }] });
    new Endpoint(s, 'gateway-lan', { target: gw.port(4000), address: 'gpu.lan' });
  } },
  { code: 'K8S018', severity: 'warning', what: 'a .kube unit on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Kube(s, 'legacy', { yaml: '/srv/legacy.yaml' });
  } },
  { code: 'K8S019', severity: 'info', what: 'a container left out of boot (replicas: 0)', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, install: false });
  } },
  { code: 'K8S020', severity: 'warning', what: 'a prop the Kubernetes mapping does not know', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, notAProp: 1 } as any);
  } },
  { code: 'K8S021', severity: 'warning', what: 'a systemd specifier in an environment value on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG, environment: { DATA_DIR: home('data') } });
  } },
  { code: 'K8S022', severity: 'info', what: 'env file secrets read from a file beside the manifests', site: { backend: 'kubernetes' }, build: (s) => {
    new EnvFile(s, 'web-env', { name: 'web', secrets: { API_TOKEN: { description: 'the API token' } } });
  } },
  { code: 'K8S023', severity: 'info', what: 'a timer with two calendar expressions (two CronJobs)', site: { backend: 'kubernetes' }, build: (s) => {
    new Timer(s, 'sync', { onCalendar: ['*-*-* 09:00 UTC', '*-*-* 18:00 UTC'], job: new ContainerJob({ image: IMG }) });
  } },
  { code: 'K8S024', severity: 'info', what: 'a quadlet-only site setting (a .quadlets bundle) on a cluster', site: { backend: 'kubernetes', quadletOutput: 'bundle', podmanVersion: '5.8.0' }, build: (s) => {
    new Container(s, 'web', { image: IMG });
  } },
  { code: 'K8S025', severity: 'warning', what: 'a raw addEntry line on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'web', { image: IMG }).addEntry('Container', 'Ulimit', 'nofile=65536:65536');
  } },
  { code: 'K8S026', severity: 'warning', what: 'a drop-in on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new DropIn(s, 'web-memory', { to: new Container(s, 'web', { image: IMG }), container: { memory: '2g' } });
  } },
  { code: 'K8S027', severity: 'warning', what: 'a template container on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new ContainerTemplate(s, 'worker', { image: IMG }).instance('a', { enabled: true });
  } },
  { code: 'K8S028', severity: 'error', what: 'a container running a host folder (RootFs) on a cluster', site: { backend: 'kubernetes' }, build: (s) => {
    new Container(s, 'tools', { image: RootFs.at('/var/lib/tools') });
  } },
  // deploys: auto-update
  { code: 'DEPLOY010', severity: 'warning', what: 'a container podman auto-updates without a health check', build: (s) => {
    new Container(s, 'web', { image: IMG, autoUpdate: 'registry' });
  } },
  { code: 'DEPLOY011', severity: 'warning', what: 'registry auto-update of an image pinned by digest', build: (s) => {
    new Container(s, 'web', {
      image: 'docker.io/library/alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d',
      autoUpdate: 'registry', healthCmd: 'true',
    });
  } },
  { code: 'CADDY020', severity: 'error', what: 'a route through host.containers.internal to a port published on 127.0.0.1 only', build: (s) => {
    new Network(s, 'net', { default: true });
    new Container(s, 'cockpit', { image: IMG, publish: [{ container: 9090 }] });
    new Route(new Caddy(s, 'caddy'), 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
  } },
  // host prerequisites
  { code: 'HOST001', severity: 'error', what: 'a host file declared with a relative path', build: (s) => {
    new HostFile(s, 'app-conf', { path: 'app.conf', from: 'the app\'s repository' });
  } },
  { code: 'HOST002', severity: 'warning', what: 'a host file declared for a path no unit mounts or runs', build: (s) => {
    new Container(s, 'web', { image: IMG, volumes: [{ hostPath: '/srv/media', path: '/media' }] });
    new HostFile(s, 'media', { path: '/srv/medai', from: 'the NAS share' });
  } },
];

export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const LLAMA_SWAP_IMAGE = 'ghcr.io/mostlygeek/llama-swap:v250-vulkan';
const LITELLM_IMAGE = 'ghcr.io/berriai/litellm:v1.80.0-stable';

/** A Caddy on the default network with one route to a host port, for tunnel cases. */
function routedCaddy(s: Site): Caddy {
  const caddy = new Caddy(s, 'caddy');
  new Route(caddy, 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
  return caddy;
}

/** A valid llama-swap on the default network, under a one-flag policy; models are added by the case. */
function llamaSwap(s: Site, props: Partial<LlamaSwapProps> = {}): LlamaSwap {
  new Network(s, 'net', { default: true });
  return new LlamaSwap(s, 'llama-swap', {
    image: LLAMA_SWAP_IMAGE,
    modelDir: '/srv/models',
    policy: new ModelPolicy({ mandatoryFlags: '-ngl 999' }),
    healthCheckTimeout: 300,
    ...props,
  });
}

/** A valid gateway in front of a llama-swap serving model `qwen`. */
function gateway(s: Site): LiteLlm {
  const ls = llamaSwap(s);
  new Model(ls, 'qwen', { modelFile: 'qwen.gguf' });
  const gw = new LiteLlm(s, 'litellm', { image: LITELLM_IMAGE, llamaSwap: ls });
  gw.addLocalRoute('qwen');
  return gw;
}
