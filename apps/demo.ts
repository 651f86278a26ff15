// A small site: a chat UI with its database on one network, behind nothing yet.
// `npx projen synth` writes it to dist/demo/.
import { App, Container, EnvFile, Network, Site, Volume } from '../lib';

const app = new App();
const site = new Site(app, 'demo', { domains: ['example.org'] });

new Network(site, 'demo', { subnet: '10.90.0.0/24', default: true });
const data = new Volume(site, 'wiki-db-data');

const db = new Container(site, 'wiki-db', {
  image: 'docker.io/library/postgres:16.4',
  volumes: [{ volume: data, path: '/var/lib/postgresql/data' }],
  healthCmd: 'pg_isready -h 127.0.0.1 -U wiki -d wiki',
  envFiles: [new EnvFile(site, 'wiki-db-env', {
    name: 'wiki-db',
    values: { POSTGRES_USER: 'wiki', POSTGRES_DB: 'wiki' },
    secrets: { POSTGRES_PASSWORD: { description: 'database password: openssl rand -hex 24' } },
  })],
});

new Container(site, 'wiki', {
  image: 'ghcr.io/requarks/wiki:2.5.304',
  publish: [{ host: 3001, container: 3000 }],
  environment: { DB_TYPE: 'postgres', DB_HOST: db.hostname, DB_PORT: '5432', DB_USER: 'wiki', DB_NAME: 'wiki' },
  envFiles: [new EnvFile(site, 'wiki-env', { name: 'wiki', secrets: { DB_PASS: { description: 'same as POSTGRES_PASSWORD in wiki-db.env' } } })],
  // Requires= + After=, and start only once pg_isready passed (Notify=healthy on wiki-db).
  dependsOn: [{ unit: db, ready: 'healthy' }],
});

app.synth();
