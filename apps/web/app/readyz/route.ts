import { readiness } from "@iot/core";
import { webRedis } from "@iot/api";

// Readiness of the web process: Postgres with every migration applied, and Redis (the
// live streams and the queues the API adds jobs to). 503 with the reasons otherwise.
export const dynamic = "force-dynamic";

export async function GET() {
  const report = await readiness({ redis: webRedis() });
  return Response.json(report, { status: report.ok ? 200 : 503 });
}
