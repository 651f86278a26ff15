export * from './codes';
export * from './endpoint';
export * from './checks';
