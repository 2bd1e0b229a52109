// Errors thrown by @pushrail/crypto. None of them ever carries key material,
// plaintext or ciphertext in its message: these messages end up in logs and,
// for admin routes, in HTTP responses.

/**
 * A configured encryption key is unusable (not base64, or not 32 bytes).
 * The message says what is wrong and which key (current or old #n), never the value.
 */
export class InvalidEncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEncryptionKeyError';
  }
}

/**
 * A ciphertext names a key id that is not in the keyring: the key it was
 * written under was removed from PUSHRAIL_ENCRYPTION_OLD_KEYS too early, or
 * the ciphertext comes from another deployment.
 */
export class UnknownEncryptionKeyError extends Error {
  /** The 8-hex-character key id the ciphertext names. */
  readonly keyId: string;

  constructor(keyId: string) {
    super(
      `ciphertext was encrypted under key id ${keyId}, which is not in the keyring; ` +
        'add that key to PUSHRAIL_ENCRYPTION_OLD_KEYS',
    );
    this.name = 'UnknownEncryptionKeyError';
    this.keyId = keyId;
  }
}

/**
 * A ciphertext is malformed or fails AES-GCM authentication (tampered iv,
 * data, tag, version or key id, or encrypted under a different key with the same id).
 */
export class DecryptionFailedError extends Error {
  constructor(message = 'ciphertext failed authentication') {
    super(message);
    this.name = 'DecryptionFailedError';
  }
}
