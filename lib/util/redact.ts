/**
 * Secrets never printed: the last line of defence of everything xos prints (see
 * `lib/cli/io.ts`), and the masking of connection strings in messages.
 *
 * - A password in a URL (`postgres://user:PASSWORD@host/db`), whether or not the URL parses
 *   (a typo in the port must not print the password: a parser's error quotes the whole URL).
 * - `password=...` in a key=value connection string (libpq's form).
 * - The value of every environment variable that holds a credential (PGPASSWORD,
 *   PG_CONN_STR, AWS_SECRET_ACCESS_KEY, TF_VAR_OS_PASSWORD, any *TOKEN*, *SECRET* ...),
 *   wherever it turns up, for example in the error Terraform printed.
 *
 * Why by hand: the libraries that mask secrets (pino's and winston's redaction, for example)
 * mask fields of structured log objects by path; what xos must mask is free text (a
 * connection string in Terraform's error, a password in a URL that does not parse), which
 * none of them reads.
 */

export const MASK = '***';

/** `scheme://user:password@`: the password is everything between the first `:` after the user and the last `@` before the host. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`<>]*:)([^\s"'`<>]*)@/gi;
/** `password=value`, `password = 'value'`, `"password": "value"` (JSON). */
const KV_PASSWORD = /(\bpassword"?\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s'",;&{}[\]]+)/gi;

/** Names of environment variables whose values are credentials. */
const SECRET_NAME = /PASSW|SECRET|TOKEN|CREDENTIAL|CONN_?STR|PRIVATE|API_?KEY|ACCESS_?KEY|SESSION_?KEY|AUTH/i;
/** Shorter values are too likely to be ordinary words to mask everywhere. */
const MIN_ENV_SECRET = 6;

/** A connection string or any text with the passwords of its URLs and key=value pairs masked. */
export function maskPasswords(text: string): string {
  if (text.includes('://')) text = text.replace(URL_PASSWORD, (_, head: string, pw: string) => (pw ? `${head}${MASK}@` : `${head}@`));
  if (/password/i.test(text)) text = text.replace(KV_PASSWORD, (_, head: string, v: string) => `${head}${v.startsWith('"') ? `"${MASK}"` : v.startsWith("'") ? `'${MASK}'` : MASK}`);
  return text;
}

/** The values of the environment's credentials, longest first (a longer one may hold a shorter one). */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(env)) {
    if (!v || v.length < MIN_ENV_SECRET || !SECRET_NAME.test(k)) continue;
    out.add(v);
    // A connection string's own password, when it is one.
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]+)@/i.exec(v);
    if (m && m[1].length >= MIN_ENV_SECRET) {
      out.add(m[1]);
      try {
        out.add(decodeURIComponent(m[1]));
      } catch {
        /* not percent-encoded */
      }
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** A function that masks every given secret value and every password in the text. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  return (text) => {
    let out = maskPasswords(text);
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };
}
