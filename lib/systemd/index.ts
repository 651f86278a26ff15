export * from './calendar';
export * from './checks';
export * from './codes';
export * from './job';
export * from './plain-unit';
export * from './service';
export * from './target';
export * from './timer';
