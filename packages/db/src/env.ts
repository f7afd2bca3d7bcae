import { z } from "zod";

// Read and checked once. The defaults are the local development setup of the README.
const ZDbEnvSchema = z.object({
  DATABASE_URL: z.string().url().default("postgres://iot_app:iot_app@127.0.0.1:5432/iot"),
  DATABASE_OWNER_URL: z.string().url().default("postgres://iot_owner:iot_owner@127.0.0.1:5432/iot"),
  DATABASE_ADMIN_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/postgres"),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
});

export type TDbEnv = z.infer<typeof ZDbEnvSchema>;

let cached: TDbEnv | undefined;
export function dbEnv(): TDbEnv {
  cached ??= ZDbEnvSchema.parse(process.env);
  return cached;
}
