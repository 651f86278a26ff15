import { Construct } from 'constructs';
import { RenderContext, Resource } from '../core/resource';
import { commentLines } from '../core/names';
import { Site } from '../core/site';
import { headerFor } from './unit';

const ID = 'chezmoi-ignore';

/**
 * `home/.chezmoiignore` for sites with the chezmoi layout. chezmoi treats a source file named
 * `x.env.tmpl` as a template for the target `x.env`: without this, `chezmoi apply` would write
 * the env template (secrets empty) over the real env file on the host. Listing the targets here
 * keeps chezmoi's hands off the real files, which are made on the host and never committed.
 */
export class ChezmoiIgnore extends Resource {
  /** The site's single instance, created on first use. */
  public static of(site: Site): ChezmoiIgnore {
    return (site.node.tryFindChild(ID) as ChezmoiIgnore | undefined) ?? new ChezmoiIgnore(site, ID);
  }

  public readonly kind = 'chezmoi-ignore';
  private readonly targets = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Ignore a target path, relative to the home folder (e.g. `.config/sodimo/litellm.env`). */
  public add(target: string): void {
    this.targets.add(target);
  }

  public render(ctx: RenderContext): void {
    if (ctx.site.layout !== 'chezmoi' || this.targets.size === 0) return;
    const lines = [
      ...commentLines(headerFor(this.node.path)),
      '# Env files hold secrets: they are made on the host from their .env.tmpl companions, never applied by chezmoi.',
      ...[...this.targets].sort(),
    ];
    ctx.emit('chezmoi-root', '.chezmoiignore', lines.join('\n') + '\n');
  }
}
