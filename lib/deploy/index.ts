// From files to a running host: which unit reads which file, the plan of a deploy, diff and apply.
export * from './install-tree';
export * from './units';
export * from './unit-hash';
export * from './chezmoi-script';
export * from './plan';
export * from './unified-diff';
export * from './codes';
export * from './env-sync';
export * from './host';
export * from './apply';
export { applyCommand, diffCommand } from './command';
