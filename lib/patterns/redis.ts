import { Construct } from 'constructs';
import { About } from '../core/about';
import { Container, ContainerProps } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { INetwork } from '../quadlet/network';
import { Volume } from '../quadlet/volume';
import { ensureEnvFile, ensureValue, recordLink, warnWithoutHost } from './connections';
import { resourceId } from './placement';
import { SIDECAR_HEALTH_INTERVAL } from './sql-database';

/** Redis 7 on Alpine, pinned to a full version (`:7-alpine` would float). */
export const REDIS_IMAGE = 'docker.io/library/redis:7.4.5-alpine';

export interface RedisCacheProps {
  /** The Redis image, fully qualified. @default 'docker.io/library/redis:7.4.5-alpine' */
  readonly image?: string;
  /** Allow a floating image tag, with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /** Unit, container and DNS name. @default - the construct id */
  readonly name?: string;
  /** What it serves, for the docs role "Redis for <purpose>". @default - the name */
  readonly purpose?: string;
  /**
   * Keep /data in a `<name>-data` volume, so queues (BullMQ, Celery) survive a restart. A pure
   * cache needs none.
   * @default false
   */
  readonly persistent?: boolean;
  /** Networks to join; consumers must share one. @default - the site's default network */
  readonly networks?: INetwork[];
  /** Docs. @default - { role: 'Redis for <purpose>' } */
  readonly about?: About;
  /** Any other container settings. @default - none; the health check is `redis-cli ping` (`valkey-cli ping` on a Valkey image) every 10s */
  readonly containerProps?: Partial<ContainerProps>;
}

/** How a consumer reaches Redis. */
export interface RedisConnectOptions {
  /** The variable holding the URL. @default 'REDIS_URL', or none when hostVar or portVar is given */
  readonly urlVar?: string;
  /** A variable for the host name, for apps that take the parts (Immich: `REDIS_HOSTNAME`). @default - none */
  readonly hostVar?: string;
  /** A variable for the port (`REDIS_PORT`). @default - none */
  readonly portVar?: string;
  /** The logical database, appended as `/<db>`. @default - none (Redis's 0) */
  readonly db?: number;
  /** Write the URL into this env file (and make the consumer read it). @default - an Environment= line on the consumer */
  readonly envFile?: EnvFile;
}

/**
 * A Redis sidecar: `<name>.container` on port 6379, without a password (it is reachable only
 * from the site's network) and, unless `persistent`, without a volume.
 *
 * ```ts
 * const redis = new RedisCache(site, 'wiki-redis', { purpose: 'Wiki.js' });
 * redis.connect(wiki, { envFile: wikiEnv, db: 0 });   // REDIS_URL=redis://wiki-redis:6379/0
 * ```
 */
export class RedisCache {
  public readonly container: Container;
  /** The data volume, when persistent. */
  public readonly volume?: Volume;
  public readonly port = 6379;

  public constructor(scope: Construct, id: string, props: RedisCacheProps = {}) {
    const name = props.name ?? id;
    const extra = props.containerProps ?? {};
    const dataName = `${name}-data`;
    const image = props.image ?? REDIS_IMAGE;
    this.volume = props.persistent ? new Volume(scope, resourceId(scope, id, dataName, 'volume'), { name: dataName }) : undefined;
    this.container = new Container(scope, id, {
      ...extra,
      name,
      image,
      allowFloatingTag: props.allowFloatingTag ?? extra.allowFloatingTag,
      networks: props.networks ?? extra.networks,
      ports: [this.port, ...(extra.ports ?? [])],
      volumes: this.volume ? [{ volume: this.volume, path: '/data' }, ...(extra.volumes ?? [])] : extra.volumes,
      // The image only snapshots with a config; --appendonly makes a persistent queue durable.
      command: extra.command ?? (props.persistent ? ['redis-server', '--appendonly', 'yes'] : undefined),
      about: props.about ?? extra.about ?? { role: `Redis for ${props.purpose ?? name}` },
      // PONG only once the data set is loaded (a LOADING reply also exits 0, hence the grep).
      healthCmd: extra.healthCmd ?? `${/valkey/.test(image) ? 'valkey-cli' : 'redis-cli'} ping | grep -q PONG`,
      healthInterval: extra.healthInterval ?? SIDECAR_HEALTH_INTERVAL,
    });
  }

  /** The DNS name consumers on a shared network use. */
  public get hostname(): string {
    return this.container.hostname;
  }

  /** `redis://<name>:6379[/<db>]`. */
  public url(db?: number): string {
    return `redis://${this.hostname}:${this.port}${db === undefined ? '' : `/${db}`}`;
  }

  /**
   * Set the consumer's URL variable (or the host and port variables it asks for) and make it
   * start after Redis.
   */
  public connect(consumer: Container, options: RedisConnectOptions = {}): void {
    const parts = options.hostVar !== undefined || options.portVar !== undefined;
    const values: Array<[string, string]> = [];
    const urlVar = options.urlVar ?? (parts ? undefined : 'REDIS_URL');
    if (urlVar) values.push([urlVar, this.url(options.db)]);
    warnWithoutHost(consumer, this.container, [urlVar, options.hostVar]);
    if (options.hostVar) values.push([options.hostVar, this.hostname]);
    if (options.portVar) values.push([options.portVar, String(this.port)]);
    for (const [name, value] of values) {
      if (options.envFile) ensureValue(options.envFile, name, value);
      else consumer.addEnvironment(name, value);
    }
    if (options.envFile) ensureEnvFile(consumer, options.envFile);
    consumer.dependsOn(this.container, { strength: 'requires', ready: 'healthy' });
    recordLink(consumer, this.container, 'Redis');
  }
}
