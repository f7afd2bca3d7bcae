import { defineConfig } from "prisma/config";

// The CLI is only used for `generate` here (migrations run through packages/db, see
// stack-notes). A user with network access can still run `prisma migrate deploy`.
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_OWNER_URL ?? "postgres://iot_owner:iot_owner@127.0.0.1:5432/iot" },
});
