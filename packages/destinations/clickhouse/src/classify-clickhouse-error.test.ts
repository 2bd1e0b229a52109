import { classifyClickHouseError, toDeliveryError } from './classify-clickhouse-error';

const serverError = (text: string) => new Error(text);

describe('classifyClickHouseError', () => {
  it.each([
    ['Code: 193, e.displayText() = DB::Exception: Wrong password for user w, e.what() = DB::Exception', 'permanent', '193'],
    ['Code: 516. DB::Exception: w: Authentication failed: password is incorrect. (AUTHENTICATION_FAILED)', 'permanent', '516'],
    ['Code: 60, e.displayText() = DB::Exception: Table d.t doesn\'t exist., e.what() = DB::Exception', 'permanent', '60'],
    ['Code: 81. DB::Exception: Database d does not exist. (UNKNOWN_DATABASE)', 'permanent', '81'],
    ['Code: 497. DB::Exception: w: Not enough privileges. (ACCESS_DENIED)', 'permanent', '497'],
    ['Code: 291, e.displayText() = DB::Exception: Access denied to database d for user w, e.what() = DB::Exception', 'permanent', '291'],
    ['Code: 252. DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts. (TOO_MANY_PARTS)', 'transient', '252'],
    ['Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED)', 'transient', '241'],
    ['Code: 159. DB::Exception: Timeout exceeded: elapsed 30 seconds. (TIMEOUT_EXCEEDED)', 'transient', '159'],
    ['Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , before: x (at row 4), e.what() = DB::Exception', 'bad_row', '27'],
    ['Code: 117. DB::Exception: Cannot parse JSON string. (INCORRECT_DATA)', 'bad_row', '117'],
  ] as const)('%s → %s', (text, kind, code) => {
    expect(classifyClickHouseError(serverError(text))).toEqual({ kind, code, unknown: false });
  });

  it('takes Node network and TLS codes from the shared table', () => {
    expect(classifyClickHouseError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe('transient');
    expect(classifyClickHouseError(Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).kind).toBe('permanent');
    expect(classifyClickHouseError(new Error('Timeout error.')).kind).toBe('transient');
  });

  it('calls an unknown failure transient and says so', () => {
    expect(classifyClickHouseError(new Error('something odd'))).toEqual({ kind: 'transient', code: undefined, unknown: true });
  });

  it('keeps the server text without its boilerplate, scrubbed', () => {
    const error = toDeliveryError(
      serverError("Code: 60, e.displayText() = DB::Exception: Table d.t doesn't exist., e.what() = DB::Exception"),
      (text) => text.replace('d.t', '[x]'),
    );
    expect(error.message).toBe("ClickHouse error 60: Table [x] doesn't exist.");
    expect(error.code).toBe('60');
  });
});
