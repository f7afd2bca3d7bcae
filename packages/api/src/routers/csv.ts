import { z } from "zod";

/** CSV text for imports through the typed client (the console uploads files to /api/import). */
export const ZCsvImportSchema = z.object({
  csv: z
    .string()
    .min(1, "is empty")
    .max(10 * 1024 * 1024, "at most 10 MiB"),
});
