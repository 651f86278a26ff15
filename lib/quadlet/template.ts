import { Construct } from 'constructs';
import { Container, ContainerProps } from './container';
import { IHealthReporter } from './dependency';
import { KEY_TABLE } from './keys';
import { Network, NetworkProps } from './network';
import { QuadletUnit } from './unit';
import { Volume, VolumeProps } from './volume';

/** What every template unit takes beside its unit's props. */
export interface TemplateOptions {
  /**
   * `[Install] DefaultInstance=`: the instance the template's own `[Install]` starts at boot
   * (`worker@<defaultInstance>.service`).
   * @default - none: only instances made with `instance(name, { enabled: true })` start at boot
   */
  readonly defaultInstance?: string;
}

/** How an instance is made. */
export interface InstanceOptions {
  /**
   * Start this instance at boot: writes `<name>@<instance>.<type>`, a copy of the template with the
   * `[Install]` section (what a symlink to the template does for podman). A template with
   * `install: false` gets a copy without `[Install]`: the instance is a unit of its own (a pod it
   * joins lists it) that does not start at boot.
   * @default false: the instance runs when something depends on it, or `systemctl --user start <name>@<instance>`
   */
  readonly enabled?: boolean;
}

/**
 * One instance of a template unit, e.g. `worker@a.service`: depend on it like any unit
 * (`web.dependsOn(workers.instance('a'))`).
 */
export class TemplateInstance {
  public constructor(
    /** The template it is an instance of. */
    public readonly template: QuadletUnit,
    /** The instance name (what `%i` is in the template's values). */
    public readonly instance: string,
  ) {}

  /** `worker@a.service`. */
  public get serviceName(): string {
    return this.template.serviceName.replace(/@\.service$/, `@${this.instance}.service`);
  }

  /** `worker@a.container`: the instance's drop-ins go to `<this>.d/`. */
  public get unitFileName(): string {
    return `${this.template.name}@${this.instance}${KEY_TABLE[this.template.section].extension}`;
  }
}

/** An instance of a ContainerTemplate: its container name, and readiness through the template's health check. */
export class ContainerInstance extends TemplateInstance implements IHealthReporter {
  public constructor(private readonly container: ContainerTemplate, instance: string) {
    super(container, instance);
  }

  /** `<template container name>-<instance>`: the podman container (and peer host) name. */
  public get containerName(): string {
    return this.container.containerName.replace(/%i$/, this.instance);
  }

  public get hasHealthCheck(): boolean {
    return this.container.hasHealthCheck;
  }

  /** Waiting for one instance to be healthy sets `Notify=healthy` on the template (every instance). */
  public notifyWhenHealthy(): void {
    this.container.notifyWhenHealthy();
  }
}

/** Instances by name, made once each; `enabled` sticks once asked for. */
function instanceOf<T extends TemplateInstance>(made: Map<string, T>, name: string, make: () => T, enable: () => void, options: InstanceOptions): T {
  let i = made.get(name);
  if (!i) made.set(name, (i = make()));
  if (options.enabled) enable();
  return i;
}

/**
 * A template container (`<name>@.container`, podman >= 5.0): one definition, run as many
 * instances (`<name>@a.service`, `<name>@b.service`), each its own container `<name>-<instance>`.
 * `%i` (`Specifier.instance`) in values is the instance name. Templated volumes and networks
 * (VolumeTemplate, NetworkTemplate) give each instance its own (podman >= 5.7).
 *
 * @example
 *   const workers = new ContainerTemplate(site, 'worker', { image, command: ['run', Specifier.instance] });
 *   workers.instance('a', { enabled: true });
 *   new Container(site, 'api', { image, dependsOn: [workers.instance('b')] });
 */
export class ContainerTemplate extends Container {
  private readonly made = new Map<string, ContainerInstance>();
  private readonly templateOptions: TemplateOptions;

  public constructor(scope: Construct, id: string, props: ContainerProps & TemplateOptions) {
    super(scope, id, props);
    this.templateOptions = props;
  }

  public get isTemplate(): boolean {
    return true;
  }

  protected get defaultInstance(): string | undefined {
    return this.templateOptions?.defaultInstance;
  }

  /** The instance `name` (`<template>@<name>.service`), to depend on or to start at boot. */
  public instance(name: string, options: InstanceOptions = {}): ContainerInstance {
    return instanceOf(this.made, name, () => new ContainerInstance(this, name), () => this.enableInstance(name), options);
  }
}

/** A template volume (`<name>@.volume`): each instance of a template container gets volume `<name>-<instance>`. */
export class VolumeTemplate extends Volume {
  private readonly made = new Map<string, TemplateInstance>();
  private readonly templateOptions: TemplateOptions;

  public constructor(scope: Construct, id: string, props: VolumeProps & TemplateOptions = {}) {
    super(scope, id, props);
    this.templateOptions = props;
  }

  public get isTemplate(): boolean {
    return true;
  }

  protected get defaultInstance(): string | undefined {
    return this.templateOptions?.defaultInstance;
  }

  /** The instance `name` (`<template>-volume@<name>.service`). */
  public instance(name: string, options: InstanceOptions = {}): TemplateInstance {
    return instanceOf(this.made, name, () => new TemplateInstance(this, name), () => this.enableInstance(name), options);
  }
}

/** A template network (`<name>@.network`): each instance of a template container gets network `<name>-<instance>`. */
export class NetworkTemplate extends Network {
  private readonly made = new Map<string, TemplateInstance>();
  private readonly templateOptions: TemplateOptions;

  public constructor(scope: Construct, id: string, props: NetworkProps & TemplateOptions = {}) {
    super(scope, id, props);
    this.templateOptions = props;
  }

  public get isTemplate(): boolean {
    return true;
  }

  protected get defaultInstance(): string | undefined {
    return this.templateOptions?.defaultInstance;
  }

  /** The instance `name` (`<template>-network@<name>.service`). */
  public instance(name: string, options: InstanceOptions = {}): TemplateInstance {
    return instanceOf(this.made, name, () => new TemplateInstance(this, name), () => this.enableInstance(name), options);
  }
}
