export { parseBasicCredentials } from './basic-credentials';
export type { BasicCredentials } from './basic-credentials';
export { parseBearerToken, verifyBearerToken } from './bearer-token';
export { CIPHERTEXT_VERSION } from './ciphertext-format';
export { ENCRYPTION_KEY_BYTES, encryptionKeyProblem, generateEncryptionKey, keyIdOf, parseEncryptionKey } from './encryption-key';
export type { EncryptionKey } from './encryption-key';
export { DecryptionFailedError, InvalidEncryptionKeyError, UnknownEncryptionKeyError } from './errors';
export { Keyring } from './keyring';
export type { KeyringOptions } from './keyring';
export { hashSecret, safeEqual } from './secret-hash';
export {
  WRITE_KEY_DISPLAY_PREFIX_CHARS,
  WRITE_KEY_PREFIX,
  generateWriteKey,
  looksLikeWriteKey,
} from './write-key';
export type { GeneratedWriteKey } from './write-key';
