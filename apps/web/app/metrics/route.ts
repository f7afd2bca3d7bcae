import { metricsText, setService } from "@iot/core";

// Prometheus metrics of the web process: the typed API's calls by procedure and result,
// their latency, and the live streams open.
setService("web");
export const dynamic = "force-dynamic";

export async function GET() {
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { "content-type": contentType } });
}
