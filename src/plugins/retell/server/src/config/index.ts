import { z } from 'zod';

/** Plugin settings (from env through config/plugins.ts or defaults). */
export const RetellConfigSchema = z.object({
  platformKey: z.string(),
  maxSlots: z.number().int().min(1).max(10),
});
export type RetellConfig = z.infer<typeof RetellConfigSchema>;

export default {
  default: () => ({
    platformKey: process.env.RETELL_API_KEY ?? '',
    maxSlots: 3,
  }),
  validator(config: unknown) {
    RetellConfigSchema.parse(config);
  },
};
