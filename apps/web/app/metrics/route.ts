import { metricsAnswer, setService } from "@iot/core";

// Prometheus metrics of the web process: the typed API's calls by procedure and result,
// their latency, and the live streams open (behind METRICS_TOKEN when it is set).
setService("web");
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const answer = await metricsAnswer(req.headers.get("authorization"));
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
