export * from './app';
export * from './event-intake';
export * from './group-commit';
export * from './http-errors';
export { BULL_BOARD_PATH } from './bull-board';
export { answerHttpErrorsAsJson } from './http-server-errors';
export * from './destination-status';
