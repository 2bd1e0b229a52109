export * from './app';
export * from './event-intake';
export * from './group-commit';
export * from './http-errors';
export * from './destination-status';
