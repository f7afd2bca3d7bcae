import { handleCsvImport } from "@iot/api";

// Multipart CSV uploads of the console (with upload progress); tRPC carries JSON only.
export async function POST(req: Request, { params }: { params: Promise<{ kind: string }> }) {
  return handleCsvImport(req, (await params).kind);
}
