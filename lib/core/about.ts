import { IConstruct } from 'constructs';

/** What a unit is for, for the generated docs. Free text; never read by any check. */
export interface About {
  /** Where the software comes from, e.g. `caddyserver/caddy`. @default - not documented */
  readonly upstream?: string;
  /** What it does on this site. @default - not documented */
  readonly role?: string;
  /** Anything a reader should know: caveats, decisions, tracking issues. @default - none */
  readonly notes?: string[];
  /**
   * Where the unit deliberately differs from the design it was written from (a chapter, a
   * compose file), and why. The site docs list every deviation in one section, so a reader of the
   * design learns what changed without reading the code. @default - none
   */
  readonly deviations?: string[];
}

const abouts = new WeakMap<IConstruct, About>();

/** Attach documentation to any construct; docs renderers read it back. */
export const Docs = {
  describe(scope: IConstruct, about: About): void {
    abouts.set(scope, { ...abouts.get(scope), ...about });
  },
  of(scope: IConstruct): About | undefined {
    return abouts.get(scope);
  },
};
