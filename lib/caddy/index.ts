export * from './caddy';
export * from './checks';
export * from './codes';
export * from './image-facts';
export * from './ingress';
export * from './route';
export * from './tunnel';
