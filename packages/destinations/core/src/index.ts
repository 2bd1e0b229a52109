export * from './delivery-error';
export * from './destination';
