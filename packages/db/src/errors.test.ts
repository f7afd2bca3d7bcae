import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import { prisma } from "./client";
import { isDatabaseUnavailable } from "./errors";
import { PrismaClient } from "./generated/prisma/client";

// Errors as Prisma and its pg adapter really throw them: a server nobody answers on and a
// connection the server ends are "unavailable"; what a query itself gets wrong is not.
describe("isDatabaseUnavailable", () => {
  const caught = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  it("is true for a server that cannot be reached and for a connection the server terminates", async () => {
    const nowhere = new PrismaClient({ adapter: new PrismaPg({ connectionString: "postgres://iot_app:x@127.0.0.1:1/none" }) });
    const unreachable = await caught(nowhere.$queryRaw`SELECT 1`);
    await nowhere.$disconnect();
    expect(unreachable).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(unreachable)).toBe(true);

    // what every session sees when Postgres shuts down or restarts (57P01)
    const terminated = await caught(prisma().$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
    expect(String(terminated)).toMatch(/57P01/);
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    expect(await prisma().$queryRaw`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });

  it("is false for errors of the query or the data, and for anything else", async () => {
    expect(isDatabaseUnavailable(await caught(prisma().$queryRaw`SELECT 1 / 0`))).toBe(false);
    expect(isDatabaseUnavailable(await caught(prisma().$queryRaw`SELECT * FROM no_such_table`))).toBe(false);
    expect(isDatabaseUnavailable(new Error("enrichment service unavailable"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});
