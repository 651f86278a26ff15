// Site configuration from files (site.toml), and the cross-host endpoints a config's [hosts] feed.
export * from './codes';
export * from './load';
export * from './schema';
export * from './site-config';
// Cross-host endpoints live in lib/xhost; lib/index.ts exports them through this module.
export * from '../xhost';
