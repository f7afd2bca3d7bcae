import { readExportToken, streamMeasuresCsv } from "@iot/core";
import { toTRPCError } from "../errors";

// GET /api/export/measures?token=…: the link exportMeasures made, streamed as CSV.
// The token carries (signed) the tenant, the twin and the range, and expires after two
// minutes, so a browser can download it as a plain link.
export function handleMeasuresExport(req: Request): Response {
  try {
    const token = new URL(req.url).searchParams.get("token") ?? "";
    const claims = readExportToken(token);
    const name = `${claims.twin.kind}-${claims.twin.id}-${claims.from.slice(0, 10)}_${claims.to.slice(0, 10)}.csv`;
    return new Response(streamMeasuresCsv(claims), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    const mapped = toTRPCError(error);
    const status = mapped.code === "UNAUTHORIZED" ? 401 : mapped.code === "NOT_FOUND" ? 404 : 400;
    return new Response(JSON.stringify({ error: { code: mapped.code, message: mapped.message } }), {
      status,
      headers: { "content-type": "application/json" },
    });
  }
}
