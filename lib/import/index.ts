export * from './api';
export * from './codes';
export * from './command';
export * from './report';
export type { ComposeFile, ComposeLoadOptions } from './compose-load';
export type { UnitFileInput, QuadletImportOptions } from './quadlet-import';
export type { SiteModel } from './model';
