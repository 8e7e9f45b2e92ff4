/** The part of koa-ratelimit 6 this app uses (the package ships no types; @types/koa-ratelimit is for 5). */
declare module 'koa-ratelimit' {
  import type Redis from 'ioredis';

  type Context = {
    state: Record<string, unknown>;
    set(name: string, value: string): void;
    status: number;
    body: unknown;
  };
  type Options = {
    driver: 'redis' | 'memory';
    db: Redis | Map<string, unknown>;
    duration?: number;
    max?: number;
    id?: (ctx: never) => string | false;
    errorMessage?: string;
    throw?: boolean;
    disableHeader?: boolean;
  };
  const ratelimit: (options: Options) => (ctx: Context, next: () => Promise<void>) => Promise<void>;
  export default ratelimit;
}
