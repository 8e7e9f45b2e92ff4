import { errors } from '@strapi/utils';
import type { z } from 'zod';

/** zod at the boundary: the parsed value, or a 400 in Strapi's error envelope naming each issue. */
export const issuesOf = (error: z.ZodError) => ({
  errors: error.issues.map((issue) => ({
    path: issue.path.map(String),
    message: issue.message,
    name: 'ValidationError',
  })),
});

export const parseInput = <T extends z.ZodType>(
  schema: T,
  value: unknown,
  message: string
): z.infer<T> => {
  const result = schema.safeParse(value);
  if (!result.success) throw new errors.ValidationError(message, issuesOf(result.error));
  return result.data;
};
