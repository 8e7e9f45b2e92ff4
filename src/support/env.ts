/**
 * Boot-time configuration checks shared by the files in `config/`.
 *
 * A missing secret stops the boot with a message that names the variable, whatever NODE_ENV
 * says: there is no built-in fallback (a known default secret would let anyone forge a login).
 * `node scripts/setup-env.js` (run by `npm run demo`) writes a `.env` with random secrets;
 * `.env.example` documents every variable.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const requireSecret = (name: string): string => {
  const value = process.env[name];
  if (value && value.trim() !== '') return value;
  throw new ConfigError(
    `Missing required environment variable ${name}. Run \`node scripts/setup-env.js\` for a .env with random secrets, or see .env.example.`
  );
};

export const requireSecretList = (name: string): string[] =>
  requireSecret(name)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export const intFromEnv = (
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity } = {}
): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `Environment variable ${name} must be an integer in [${min}, ${max}], got "${raw}"`
    );
  }
  return value;
};

export const boolFromEnv = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(
    `Environment variable ${name} must be a boolean (true/false/on/off), got "${raw}"`
  );
};

export const oneOfFromEnv = <T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T
): T => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(
    `Environment variable ${name} must be one of ${allowed.join(', ')}, got "${raw}"`
  );
};
