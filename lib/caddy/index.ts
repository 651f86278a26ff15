export * from './caddy';
export * from './checks';
export * from './codes';
export * from './ingress';
export * from './route';
export * from './tunnel';
