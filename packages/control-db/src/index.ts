export * from './control-db';
export * from './dead-letter-records';
export * from './destination-store';
export * from './migrate';
export * from './records';
export * from './fleet-queries';
export * from './reencrypt-config';
export * from './reencrypt-destinations';
