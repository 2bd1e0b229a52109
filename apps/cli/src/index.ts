export { createProgram, EXIT, run } from './program';
export { AdminClient, httpErrorMessage } from './admin-client';
export { CliError, UsageError } from './errors';
export type { Streams } from './output';
