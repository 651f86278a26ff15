/**
 * The library: App, Site and every construct, synth and its diagnostics, the renderers.
 * @module quadlet-cdk
 */
// quadlet-cdk: a typed site tree compiled into Podman Quadlet units and their companion files.
export * from './core/about';
export * from './core/app';
export * from './core/aspects';
export * from './core/diagnostics';
export * from './core/graph';
export * from './core/names';
export * from './core/output';
export * from './core/resource';
export * from './core/site';
export * from './render/data-formats';
export * from './render/encode';
export * from './render/systemd-value';
export * from './render/unit-file';
export * from './quadlet';
export * from './llm';
export * from './caddy';
export * from './systemd';
export * from './config';
export * from './patterns';
export * from './import';
export * from './docs';
export * from './k8s';
export * from './host';
export * from './deploy';
