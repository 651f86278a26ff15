import { registerSiteCheck } from '../core/app';
import { Diagnostics } from '../core/diagnostics';
import { EnvFile, EnvSecret } from '../quadlet/env-file';
import { Container } from '../quadlet/container';
import { shareNetwork } from '../llm/consumers';
import './codes';

/*
 * How patterns wire a consumer to a service they made (a database, a cache): variables in the
 * consumer's env file, a start-up dependency, and a check that the two can reach each other.
 */

const links = new WeakMap<Container, Array<{ service: Container; what: string }>>();

/** Record that `consumer` talks to `service` by name, for the PATTERN003 check. */
export function recordLink(consumer: Container, service: Container, what: string): void {
  const list = links.get(consumer) ?? [];
  list.push({ service, what });
  links.set(consumer, list);
}

/**
 * Add a non-secret value unless the file already holds that exact value; a different value is
 * left to EnvFile, which reports it as set twice (ENV001).
 */
export function ensureValue(file: EnvFile, name: string, value: string): void {
  if (file.has(name) && file.valueOf(name) === value) return;
  file.addValue(name, value);
}

/** Declare a secret unless the file already declares the variable (the author's description wins). */
export function ensureSecret(file: EnvFile, name: string, secret: EnvSecret): void {
  if (!file.has(name)) file.addSecret(name, secret);
}

/**
 * A connection that writes neither a URL nor a host variable leaves the consumer to guess where
 * its service is (usually localhost, which is not it): PATTERN010.
 */
export function warnWithoutHost(consumer: Container, service: Container, written: ReadonlyArray<string | undefined>): void {
  if (written.some((v) => v !== undefined)) return;
  Diagnostics.report(consumer, 'PATTERN010', `${consumer.name} is connected to ${service.name} without a URL or host variable: nothing tells it where ${service.hostname} is`);
}

/** Make `consumer` read `file` (once). */
export function ensureEnvFile(consumer: Container, file: EnvFile): void {
  if (!consumer.envFiles.includes(file)) consumer.addEnvFile(file);
}

registerSiteCheck('patterns.links', (_site, resources, reporterOf) => {
  for (const r of resources) {
    if (!(r instanceof Container)) continue;
    for (const { service, what } of links.get(r) ?? []) {
      if (!shareNetwork(r, service)) reporterOf(r)('PATTERN003', `${r.name} uses ${what} ${service.name} but shares no network with it`);
    }
  }
});
