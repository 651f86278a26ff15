import { ValidationContext, Resource } from '../core/resource';
import './codes';
import type { LlamaSwap } from './llama-swap';
import { Model, ModelRef } from './model';

export interface ModelGroupProps {
  /** Models in the group: objects of the same LlamaSwap, or their ids or aliases. */
  readonly members: readonly ModelRef[];
  /** Only one member runs at a time. @default true */
  readonly swap?: boolean;
  /** Loading a member unloads every other non-persistent group. @default true */
  readonly exclusive?: boolean;
  /** Other groups can never unload this group's members. @default false */
  readonly persistent?: boolean;
  /**
   * ttl (seconds) for members that set none; llama-swap groups have no ttl of their own, so it
   * is written on each member.
   * @default - the member's own ttl, else llama-swap's globalTTL
   */
  readonly ttl?: number;
}

/** A llama-swap group: which models may run together, and which unload which. */
export class ModelGroup extends Resource {
  public readonly kind = 'llama-swap-group';
  public readonly llamaSwap: LlamaSwap;
  public readonly props: ModelGroupProps;

  public constructor(scope: LlamaSwap, id: string, props: ModelGroupProps) {
    super(scope, id);
    this.llamaSwap = scope;
    this.props = props;
  }

  /** The group id in the file. */
  public get groupId(): string {
    return this.node.id;
  }

  /** Members resolved to models of this llama-swap; unresolvable ones are left out. */
  public get models(): Model[] {
    return this.props.members.map((m) => this.resolve(m)).filter((m): m is Model => m !== undefined);
  }

  private resolve(ref: ModelRef): Model | undefined {
    if (ref instanceof Model) return ref.llamaSwap === this.llamaSwap ? ref : undefined;
    return this.llamaSwap.findModel(ref);
  }

  /** The entry in llama-swap's `groups:` map; members by id. */
  public toData(): Record<string, boolean | string[]> {
    return {
      swap: this.props.swap ?? true,
      exclusive: this.props.exclusive ?? true,
      persistent: this.props.persistent ?? false,
      members: this.props.members.map((m) => this.resolve(m)?.id ?? (typeof m === 'string' ? m : m.id)),
    };
  }

  public validate(ctx: ValidationContext): void {
    const t = this.props.ttl;
    if (t !== undefined && (!Number.isInteger(t) || t < 0)) ctx.report('LLM011', `group ${this.groupId}: ttl ${t} must be a whole number >= 0`);
    if (this.props.members.length === 0) ctx.report('LLM009', `group ${this.groupId} has no members`, 'list at least one model, or remove the group');
    const seen = new Set<Model>();
    for (const m of this.props.members) {
      const model = this.resolve(m);
      if (!model) {
        const what = m instanceof Model ? `model ${m.id} belongs to ${m.llamaSwap.node.path}` : `"${m}" is no model id or alias`;
        ctx.report('LLM009', `group ${this.groupId}: ${what}, not ${this.llamaSwap.node.path}`);
      } else if (seen.has(model)) {
        ctx.report('LLM008', `group ${this.groupId} lists model ${model.id} twice`);
      } else {
        seen.add(model);
      }
    }
  }
}
