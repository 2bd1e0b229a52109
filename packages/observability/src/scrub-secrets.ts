/**
 * Removes credentials from free text (error messages from pg, ioredis, DNS):
 * passwords inside connection URLs, `password=` pairs, bearer tokens, RDS IAM
 * signatures. Logs and API answers pass error text through this.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s]*@/gi, '$1[REDACTED]@')
    .replace(/\b(password|passwd|pwd|token|secret)\s*[=:]\s*("[^"]*"|'[^']*'|[^\s,;&]+)/gi, '$1=[REDACTED]')
    .replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [REDACTED]')
    .replace(/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s]+/gi, '$1[REDACTED]')
    .replace(/\bpr_wk_[A-Za-z0-9_-]+/g, 'pr_wk_[REDACTED]');
}
