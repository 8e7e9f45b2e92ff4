/**
 * Boot-time configuration checks shared by the files in `config/`.
 *
 * A secret that is missing in production stops the boot with a message that names the
 * variable. Outside production a fixed, loudly insecure development value is used so that
 * a first look needs no setup; `.env.example` documents every variable.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const isProduction = (): boolean => process.env.NODE_ENV === 'production';

export const requireSecret = (name: string): string => {
  const value = process.env[name];
  if (value && value.trim() !== '') return value;
  if (isProduction()) {
    throw new ConfigError(
      `Missing required environment variable ${name} (NODE_ENV=production). See .env.example.`
    );
  }
  return `insecure-dev-${name.toLowerCase()}`;
};

export const requireSecretList = (name: string): string[] =>
  requireSecret(name)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export const intFromEnv = (name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`Environment variable ${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
};

export const boolFromEnv = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`Environment variable ${name} must be a boolean (true/false/on/off), got "${raw}"`);
};

export const oneOfFromEnv = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`Environment variable ${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
};
