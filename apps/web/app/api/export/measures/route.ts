import { handleMeasuresExport } from "@iot/api";

// Streams the CSV of a link made by devices.exportMeasures / assets.exportMeasures.
export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return handleMeasuresExport(req);
}
