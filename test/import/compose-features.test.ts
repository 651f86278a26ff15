import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ImportFinding, importCompose } from '../../lib/import';
import { checkCompose, ComposeCheck } from './compose-corpus';
import { LIB, scratchDir, typeCheck } from './support';

/** One synthetic project per compose feature: written to a folder, imported and checked end to end. */
describe('import compose: each feature', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  const sites: string[] = [];
  let n = 0;

  before(() => {
    dir = scratchDir('features');
  });
  after(() => {
    // Every generated site of this file type-checks against the library.
    expect(typeCheck(sites)).to.equal('');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `files` (the first is the compose file), imports, synthesizes and runs the generator. */
  function project(files: Record<string, string>, options: Parameters<typeof importCompose>[1] = {}): ComposeCheck {
    const folder = path.join(dir, `p${++n}`);
    fs.mkdirSync(folder, { recursive: true });
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(folder, f)), { recursive: true });
      fs.writeFileSync(path.join(folder, f), text);
    }
    const main = path.join(folder, Object.keys(files)[0]);
    const c = checkCompose(`p${n}`, main, dir, { projectName: 'demo', ...options });
    sites.push(c.site);
    expect(c.problems).to.deep.equal([]);
    return c;
  }
  const find = (c: ComposeCheck, code: string): ImportFinding[] => c.result.report.findings.filter((f) => f.code === code);

  it('interpolates every variable form, and $$', () => {
    const c = project({
      'compose.yaml': `services:
  app:
    image: docker.io/library/nginx:\${TAG:-1.27}
    environment:
      A: \${SET}
      B: \${UNSET-fallback}
      C: \${EMPTY:-colon-fallback}
      D: \${EMPTY-kept-empty}
      E: \${SET:+alternative}
      F: \${UNSET+never}
      G: $$NOT_A_VAR
      H: $SET/plain
      I: \${SET:?needed}
`,
    }, { environment: { SET: 'yes-set', EMPTY: '' } });
    const env = c.result.model.decls.find((d) => d.id === 'app')!.props.environment as Record<string, string>;
    expect(env).to.deep.equal({ A: 'yes-set', B: 'fallback', C: 'colon-fallback', D: '', E: 'alternative', F: '', G: '$NOT_A_VAR', H: 'yes-set/plain', I: 'yes-set' });
    expect(c.quadlets['app.container']).to.include('Image=docker.io/library/nginx:1.27');
    expect(c.quadlets['app.container']).to.include('"G=$$NOT_A_VAR"');
  });

  it('reports a missing required variable (IMPORT002, error) and an unset one (IMPORT010, warning)', () => {
    const r = importCompose('services:\n  a:\n    image: docker.io/library/nginx:1.27\n    environment:\n      X: ${NEEDED:?set NEEDED first}\n      Y: ${MISSING}\n', { path: path.join(dir, 'req.yaml') });
    const req = r.report.findings.find((f) => f.code === 'IMPORT002')!;
    expect(req.severity).to.equal('error');
    expect(req.message).to.include('set NEEDED first');
    expect(r.ok).to.equal(false);
    const unset = r.report.findings.find((f) => f.code === 'IMPORT010')!;
    expect(unset.severity).to.equal('warning');
    expect(unset.message).to.include('MISSING');
  });

  it('reads .env beside the file, and --env-file instead of it', () => {
    const files = { 'compose.yaml': 'services:\n  a:\n    image: docker.io/library/nginx:${TAG}\n', '.env': 'TAG=1.25\n', 'prod.env': 'export TAG="1.27"\n' };
    expect(project(files).quadlets['a.container']).to.include('nginx:1.25');
    expect(project(files, { envFiles: [path.join(dir, `p${n}`, 'prod.env')] }).quadlets['a.container']).to.match(/nginx:1\.2[57]/);
    const c = project({ ...files }, { envFiles: ['prod.env'] });
    expect(c.quadlets['a.container']).to.include('nginx:1.27');
  });

  it('resolves anchors, merge keys and x- extensions, and reports the extension (IMPORT012, info)', () => {
    const c = project({
      'compose.yaml': `x-defaults: &defaults
  restart: on-failure
  labels:
    team: web
services:
  a:
    <<: *defaults
    image: docker.io/library/nginx:1.27
    x-note: mine
`,
    });
    const a = c.result.model.decls.find((d) => d.id === 'a')!;
    expect(a.props.service).to.deep.equal({ restart: 'on-failure' });
    expect(a.props.label).to.deep.equal({ team: 'web' });
    const ext = find(c, 'IMPORT012').filter((f) => /x-defaults|x-note/.test(`${f.path} ${f.field}`));
    expect(ext).to.have.length(2);
    expect(ext[0].severity).to.equal('info');
  });

  it('applies extends (same file and another file) and include', () => {
    const c = project({
      'compose.yaml': `include:
  - extra.yaml
services:
  base:
    image: docker.io/library/nginx:1.27
    environment: { A: "1" }
  child:
    extends: base
    environment: { B: "2" }
  other:
    extends:
      file: common.yaml
      service: tpl
`,
      'common.yaml': 'services:\n  tpl:\n    image: docker.io/library/redis:7.4\n    command: ["redis-server", "--save", ""]\n',
      'extra.yaml': 'services:\n  sidecar:\n    image: docker.io/library/busybox:1.37\n    command: sleep infinity\n',
    });
    const byId = (id: string) => c.result.model.decls.find((d) => d.id === id)!;
    expect(byId('child').props.environment).to.deep.equal({ A: '1', B: '2' });
    expect(byId('other').props.image).to.equal('docker.io/library/redis:7.4');
    expect(byId('other').props.command).to.deep.equal(['redis-server', '--save', '']);
    expect(byId('sidecar').props.command).to.deep.equal(['sleep', 'infinity']);
  });

  it('imports only active profiles (COMPOSE_PROFILES too)', () => {
    const text = 'services:\n  a:\n    image: docker.io/library/nginx:1.27\n  dbg:\n    image: docker.io/library/busybox:1.37\n    profiles: [debug]\n';
    const off = project({ 'compose.yaml': text });
    expect(Object.keys(off.quadlets)).to.not.include('dbg.container');
    const skip = find(off, 'IMPORT012').find((f) => f.field === 'profiles')!;
    expect(skip.message).to.include('debug');
    expect(Object.keys(project({ 'compose.yaml': text }, { profiles: ['debug'] }).quadlets)).to.include('dbg.container');
    expect(Object.keys(project({ 'compose.yaml': text }, { environment: { COMPOSE_PROFILES: 'debug' } }).quadlets)).to.include('dbg.container');
  });

  it('merges several files the compose way (maps by key, ports appended, command replaced, !reset, !override)', () => {
    const folder = path.join(dir, 'merge');
    fs.mkdirSync(folder, { recursive: true });
    const base = 'services:\n  a:\n    image: docker.io/library/nginx:1.25\n    command: ["a", "b"]\n    environment: { A: "1", B: "2" }\n    ports: ["127.0.0.1:8080:80"]\n    dns: [1.1.1.1]\n    labels: { x: "1" }\n';
    const over = 'services:\n  a:\n    image: docker.io/library/nginx:1.27\n    command: ["c"]\n    environment: [B=3, C=4]\n    ports: ["127.0.0.1:8443:443"]\n    dns: !reset []\n    labels: !override { y: "2" }\n';
    const r = importCompose(base, { path: path.join(folder, 'compose.yaml'), overrides: [{ path: path.join(folder, 'override.yaml'), text: over }], projectName: 'demo', libraryImport: LIB });
    const a = r.model.decls.find((d) => d.id === 'a')!.props;
    expect(a.image).to.equal('docker.io/library/nginx:1.27');
    expect(a.command).to.deep.equal(['c']);
    expect(a.environment).to.deep.equal({ A: '1', B: '3', C: '4' });
    expect((a.publish as unknown[]).length).to.equal(2);
    expect(a.dns).to.equal(undefined);
    expect(a.label).to.deep.equal({ y: '2' });
  });

  it('maps ports in short and long syntax, host IPs, ranges and protocols; public ones are flagged (IMPORT005, warning)', () => {
    const c = project({
      'compose.yaml': `services:
  a:
    image: docker.io/library/nginx:1.27
    ports:
      - "8080:80"
      - "127.0.0.1:8443:443"
      - "[::1]:9000:9000/udp"
      - "7000-7001:8000-8001"
      - "3000"
      - target: 53
        published: "5353"
        protocol: udp
        host_ip: 127.0.0.1
      - "127.0.0.1:9999:9999/sctp"
`,
    });
    const unit = c.quadlets['a.container'];
    for (const p of ['PublishPort=8080:80', 'PublishPort=127.0.0.1:8443:443', 'PublishPort=[::1]:9000:9000/udp', 'PublishPort=127.0.0.1:5353:53/udp', 'PublishPort=3000', 'PublishPort=127.0.0.1:9999:9999/sctp', 'PublishPort=7000:8000', 'PublishPort=7001:8001']) {
      expect(unit).to.include(p);
    }
    const pub = find(c, 'IMPORT005');
    expect(pub.map((f) => f.message).join()).to.include('8080:80');
    expect(pub[0].severity).to.equal('warning');
    expect(find(c, 'IMPORT004').some((f) => f.message.includes('sctp'))).to.equal(true);
  });

  it('maps volumes: named, bind (relative, home), read-only, tmpfs, anonymous, external', () => {
    const c = project({
      'compose.yaml': `services:
  a:
    image: docker.io/library/nginx:1.27
    volumes:
      - data:/data
      - ./conf:/etc/nginx/conf.d:ro
      - ~/media:/media:z
      - /cache
      - type: tmpfs
        target: /run/tmp
        tmpfs: { size: 1000000 }
      - type: volume
        source: shared
        target: /shared
        read_only: true
      - type: bind
        source: /srv/www
        target: /www
volumes:
  data:
  shared:
    external: true
    name: team-shared
`,
    }, { homeDir: '/home/test' });
    const unit = c.quadlets['a.container'];
    expect(unit).to.include('Volume=data.volume:/data');
    expect(unit).to.match(/Volume=\/.*\/conf:\/etc\/nginx\/conf\.d:ro/);
    expect(unit).to.include('Volume=%h/media:/media:z');
    expect(unit).to.include('Volume=/cache');
    expect(unit).to.include('Tmpfs=/run/tmp:size=1000000');
    expect(unit).to.include('Volume=team-shared:/shared:ro');
    expect(unit).to.include('Volume=/srv/www:/www');
    expect(c.quadlets['data.volume']).to.include('VolumeName=demo_data');
  });

  it('maps networks: aliases, fixed address, internal, external, and network_mode', () => {
    const c = project({
      'compose.yaml': `services:
  a:
    image: docker.io/library/nginx:1.27
    networks:
      back:
        aliases: [web, www]
        ipv4_address: 10.5.0.5
  b:
    image: docker.io/library/nginx:1.27
    networks: [back, outside]
  h:
    image: docker.io/library/nginx:1.27
    network_mode: host
  s:
    image: docker.io/library/busybox:1.37
    network_mode: "service:a"
networks:
  back:
    internal: true
    ipam:
      config:
        - subnet: 10.5.0.0/24
  outside:
    external: true
    name: proxy
`,
    });
    expect(c.quadlets['a.container']).to.include('NetworkAlias=web');
    expect(c.quadlets['a.container']).to.include('IP=10.5.0.5');
    expect(c.quadlets['back.network']).to.include('Internal=true');
    expect(c.quadlets['back.network']).to.include('Subnet=10.5.0.0/24');
    expect(c.quadlets['b.container']).to.include('Network=proxy');
    expect(c.quadlets['h.container']).to.include('Network=host');
    expect(c.quadlets['s.container']).to.include('Network=a.container');
  });

  it('maps depends_on conditions: started, healthy (IMPORT009, info), completed, required: false, restart', () => {
    const c = project({
      'compose.yaml': `services:
  db:
    image: docker.io/library/postgres:16.4
    environment: { POSTGRES_PASSWORD: "\${DB_PASSWORD}" }
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 5s
  migrate:
    image: docker.io/library/busybox:1.37
    command: echo migrated
  cache:
    image: docker.io/library/redis:7.4
  app:
    image: docker.io/library/nginx:1.27
    environment:
      DB_HOST: db
    depends_on:
      db: { condition: service_healthy, restart: true }
      migrate: { condition: service_completed_successfully }
      cache: { condition: service_started, required: false }
  worker:
    image: docker.io/library/nginx:1.27
    depends_on:
      cache: { condition: service_healthy }
      app: { condition: service_started, required: false, restart: true }
`,
    }, { environment: { DB_PASSWORD: 'not-in-the-output-123' } });
    expect(c.quadlets['db.container']).to.include('Notify=healthy');
    expect(c.quadlets['migrate.container']).to.include('Type=oneshot');
    const app = c.quadlets['app.container'];
    expect(app).to.match(/^Requires=db\.service migrate\.service$/m);
    expect(app).to.match(/^Wants=cache\.service$/m);
    expect(app).to.match(/^After=db\.service migrate\.service cache\.service$/m);
    // restart: true is what Requires= already does (a restart of db restarts app).
    expect(app).not.to.include('PartOf=db.service');
    expect(app).to.match(/^PartOf=demo\.target$/m);
    expect(c.result.source).to.include("dependsOn: [{ unit: db, ready: 'healthy' }, migrate, { unit: cache, strength: 'wants' }]");
    expect(c.result.source).to.include('DB_HOST: db.hostname');
    const dep = find(c, 'IMPORT009');
    expect(dep.map((f) => f.message).join('\n')).to.include("service_healthy: ready: 'healthy'");
    expect(dep.map((f) => f.message).join('\n')).to.include('a Wants= dependency does not restart worker with app');
    expect(dep[0].severity).to.equal('info');
    // service_healthy on a service without a healthcheck: started, a TODO and a warning.
    const worker = c.quadlets['worker.container'];
    expect(worker).to.match(/^Requires=cache\.service$/m);
    expect(c.quadlets['cache.container']).not.to.include('Notify=healthy');
    expect(c.result.source).to.include('// TODO(import): depends_on.cache: service_healthy, but cache has no healthcheck');
    const noCheck = find(c, 'IMPORT003').find((f) => f.field === 'depends_on.cache')!;
    expect(noCheck.severity).to.equal('warning');
    expect(c.result.source).not.to.include('not-in-the-output-123');
    const db = find(c, 'IMPORT008').find((f) => f.path === 'services.db')!;
    expect(db.message).to.include('PostgresDatabase');
    expect(db.severity).to.equal('info');
    expect(find(c, 'IMPORT008').find((f) => f.path === 'services.cache')!.message).to.include('RedisCache');
  });

  it('maps healthcheck fields, restart policies, user, working_dir, capabilities, devices and GPUs', () => {
    const c = project({
      'compose.yaml': `services:
  a:
    image: docker.io/library/nginx:1.27
    healthcheck:
      test: curl -f http://localhost/ || exit 1
      interval: 1m30s
      timeout: 10s
      retries: 3
      start_period: 40s
      start_interval: 5s
    restart: "on-failure:5"
    user: "1000:1000"
    working_dir: /srv
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    devices: ["/dev/dri:/dev/dri"]
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: all
              capabilities: [gpu]
  b:
    image: docker.io/library/nginx:1.27
    healthcheck: { disable: true }
    restart: unless-stopped
    gpus: all
`,
    });
    const a = c.quadlets['a.container'];
    for (const k of ['HealthCmd=curl -f http://localhost/ || exit 1', 'HealthInterval=1m30s', 'HealthTimeout=10s', 'HealthRetries=3', 'HealthStartPeriod=40s', 'Restart=on-failure', 'StartLimitBurst=5', 'User=1000', 'Group=1000', 'WorkingDir=/srv', 'AddCapability=NET_ADMIN', 'DropCapability=ALL', 'AddDevice=nvidia.com/gpu=all', 'AddDevice=/dev/dri:/dev/dri']) {
      expect(a).to.include(k);
    }
    expect(c.result.source).to.include('TODO(import): healthcheck.start_interval');
    const todo = find(c, 'IMPORT003').find((f) => f.field === 'healthcheck.start_interval')!;
    expect(todo.severity).to.equal('warning');
    expect(c.quadlets['b.container']).to.include('HealthCmd=none');
    expect(c.quadlets['b.container']).to.include('AddDevice=nvidia.com/gpu=all');
  });

  it('maps limits, shm, ulimits, sysctls, tmpfs, init, read_only, stop settings, labels and logging', () => {
    const c = project({
      'compose.yaml': `services:
  a:
    image: docker.io/library/nginx:1.27
    mem_limit: 512m
    cpus: 1.5
    pids_limit: 200
    shm_size: 256m
    ulimits:
      nproc: 65535
      nofile: { soft: 20000, hard: 40000 }
    sysctls: { net.core.somaxconn: 1024 }
    tmpfs: /run
    init: true
    read_only: true
    stop_grace_period: 1m30s
    stop_signal: SIGQUIT
    labels: [com.example.team=web]
    logging:
      driver: journald
      options: { tag: web }
    privileged: true
    replicas_note: x
`,
    });
    const a = c.quadlets['a.container'];
    for (const k of ['PodmanArgs=--memory=512m', 'PodmanArgs=--cpus=1.5', 'PidsLimit=200', 'ShmSize=256m', 'Ulimit=nproc=65535', 'Ulimit=nofile=20000:40000', 'Sysctl=net.core.somaxconn=1024', 'Tmpfs=/run', 'RunInit=true', 'ReadOnly=true', 'StopTimeout=90', 'StopSignal=SIGQUIT', 'LogDriver=journald', 'LogOpt=tag=web', 'PodmanArgs=--privileged']) {
      expect(a).to.include(k);
    }
    expect(a).to.match(/Label=.*com\.example\.team=web/);
    const hatch = find(c, 'IMPORT004').find((f) => f.field === 'mem_limit')!;
    expect(hatch.severity).to.equal('info');
    expect(c.result.source).to.include('// TODO(import): replicas_note:');
  });

  it('uses Memory= when the site targets podman 5.5 or newer (the local generator is older: not run)', () => {
    const r = importCompose('services:\n  a:\n    image: docker.io/library/nginx:1.27\n    mem_limit: 1g\n', { path: path.join(dir, 'mem.yaml'), projectName: 'mem', podmanVersion: '5.7.0', libraryImport: LIB });
    expect(r.source).to.include("new Site(app, 'mem', { podmanVersion: '5.7.0' })");
    expect(r.source).to.include("memory: '1g'");
    expect(r.report.findings.filter((f) => f.code === 'IMPORT007')).to.deep.equal([]);
  });

  it('turns secrets and configs into podman secrets and read-only mounts, never reading a value (IMPORT006, info)', () => {
    const c = project({
      'compose.yaml': `services:
  a:
    image: docker.io/library/nginx:1.27
    secrets:
      - db_password
      - source: api_key
        target: API_KEY_FILE
    configs:
      - source: site
        target: /etc/nginx/nginx.conf
    environment:
      SESSION_SECRET: literal-secret-value-xyz
      NOT_A_PASSWORD_FILE: /run/secrets/db_password
secrets:
  db_password:
    file: ./db_password.txt
  api_key:
    environment: API_KEY
configs:
  site:
    file: ./nginx.conf
`,
      'db_password.txt': 'file-secret-value-xyz\n',
      'nginx.conf': 'events {}\n',
    });
    const a = c.quadlets['a.container'];
    expect(a).to.include('Secret=db_password');
    expect(a).to.include('Secret=api_key,type=mount,target=/run/secrets/API_KEY_FILE');
    expect(a).to.match(/Volume=\/.*\/nginx\.conf:\/etc\/nginx\/nginx\.conf:ro/);
    expect(a).to.include('EnvironmentFile=%h/.config/demo/a.env');
    expect(c.result.source).not.to.include('literal-secret-value-xyz');
    expect(c.result.source).not.to.include('file-secret-value-xyz');
    const moved = find(c, 'IMPORT006');
    expect(moved.some((f) => f.field === 'environment.SESSION_SECRET')).to.equal(true);
    expect(moved[0].severity).to.equal('info');
  });

  it('builds images with a Build unit and waits for it', () => {
    const c = project({
      'compose.yaml': `services:
  app:
    build:
      context: ./app
      dockerfile: Containerfile
      args: { VERSION: "2" }
      target: prod
    image: registry.example.org/app:2.0
`,
      'app/Containerfile': 'FROM docker.io/library/busybox:1.37\n',
    });
    expect(c.quadlets['app.build']).to.include('ImageTag=registry.example.org/app:2.0');
    expect(c.quadlets['app.build']).to.include('PodmanArgs=--build-arg=VERSION=2');
    expect(c.quadlets['app.build']).to.include('Target=prod');
    expect(c.quadlets['app.container']).to.include('Image=app.build');
  });

  it('writes short image names in full and keeps floating tags reviewable (IMPORT011 info, IMPORT007 warning)', () => {
    const c = project({ 'compose.yaml': 'services:\n  a:\n    image: nginx\n  b:\n    image: nginx\n' });
    expect(c.result.source).to.match(/const nginxImage = 'docker\.io\/library\/nginx';/);
    expect(c.result.source).to.include('image: nginxImage');
    expect(c.result.source).to.include("allowFloatingTag: 'imported from compose as nginx: pin a version'");
    const full = find(c, 'IMPORT011').find((f) => f.field === 'image')!;
    expect(full.severity).to.equal('info');
    const floating = find(c, 'IMPORT007')[0];
    expect(floating.severity).to.equal('warning');
    expect(floating.message).to.include('IMAGE002');
  });

  it('refuses only a file it cannot parse (IMPORT001, error)', () => {
    for (const text of ['services: [unclosed', '- just\n- a list\n']) {
      const r = importCompose(text, { path: path.join(dir, 'bad.yaml') });
      expect(r.ok).to.equal(false);
      const f = r.report.findings.find((x) => x.code === 'IMPORT001')!;
      expect(f.severity).to.equal('error');
    }
  });
});
