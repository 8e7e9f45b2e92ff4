import path from 'path';
import type { Core } from '@strapi/strapi';

/**
 * Replaces a function exported by a module inside the pinned @strapi/core (`file` relative to
 * its dist/), where Strapi's own modules look it up — once per process, however many apps boot
 * in it. Should the module or the export not be there (an upgrade moved it), the boot logs
 * `unpatched` with the reason and Strapi keeps its own.
 */
export const patchStrapiCore = <F extends (...args: never[]) => unknown>(
  strapi: Core.Strapi,
  { file, name, unpatched }: { file: string; name: string; unpatched: string },
  replace: (original: F) => F
) => {
  let module: Record<string | symbol, unknown>;
  try {
    const core = path.dirname(require.resolve('@strapi/core'));
    module = require(path.join(core, file)) as Record<string | symbol, unknown>;
    if (typeof module[name] !== 'function') throw new Error(`no ${name}`);
  } catch (error) {
    strapi.log.warn(`${unpatched}: ${(error as Error).message}`);
    return;
  }
  const marker = Symbol.for(`frontdesk:patched:${file}#${name}`);
  if (module[marker]) return;
  module[marker] = true;
  module[name] = replace(module[name] as F);
};
