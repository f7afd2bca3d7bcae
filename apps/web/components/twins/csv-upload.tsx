"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/surface";
import { storedTenant } from "@/lib/tenant";

interface Report {
  total: number;
  created: number;
  errors: { line: number; reason: string }[];
}

/**
 * Uploads a CSV file to /api/import/<kind> with a progress bar (XHR reports upload
 * progress, fetch does not), then shows the per-row report.
 */
export function CsvUpload({
  kind,
  columnsHint,
  onImported,
}: {
  kind: "devices" | "assets";
  columnsHint: string;
  onImported: () => void;
}) {
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  function upload(file: File) {
    setReport(null);
    setError(null);
    setProgress(0);
    const form = new FormData();
    form.set("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/import/${kind}`);
    const tenant = storedTenant();
    if (tenant) xhr.setRequestHeader("x-tenant-id", tenant);
    xhr.upload.onprogress = (e) => e.lengthComputable && setProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      setProgress(null);
      const body = JSON.parse(xhr.responseText || "{}") as Report & { error?: { message: string } };
      if (xhr.status !== 200) setError(body.error?.message ?? `upload failed (${xhr.status})`);
      else {
        setReport(body);
        onImported();
      }
    };
    xhr.onerror = () => {
      setProgress(null);
      setError("the upload did not reach the server");
    };
    xhr.send(form);
  }

  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-500">
        Columns: <code className="text-xs">{columnsHint}</code>. Bad rows are reported with their line; good rows are kept.
      </p>
      <label className="inline-flex cursor-pointer items-center gap-2">
        <span className="sr-only">CSV file</span>
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          className="text-sm file:mr-3 file:rounded-md file:border-0 file:bg-accent-600 file:px-3 file:py-1.5 file:text-white"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload(file);
            e.target.value = "";
          }}
        />
      </label>
      {progress !== null && (
        <div
          role="progressbar"
          aria-label="Upload progress"
          aria-valuenow={progress}
          aria-valuemin={0}
          aria-valuemax={100}
          className="h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        >
          <div className="h-full bg-accent-600 transition-all" style={{ width: `${progress}%` }} />
        </div>
      )}
      {error && <Notice>{error}</Notice>}
      {report && (
        <div className="space-y-2" data-testid="import-report">
          <Notice tone={report.errors.length ? "info" : "success"}>
            {report.created} of {report.total} row(s) imported{report.errors.length ? `, ${report.errors.length} refused` : ""}.
          </Notice>
          {report.errors.length > 0 && (
            <ul className="max-h-48 overflow-y-auto rounded border border-zinc-200 text-sm dark:border-zinc-800">
              {report.errors.map((e) => (
                <li
                  key={`${e.line}-${e.reason}`}
                  className="border-b border-zinc-100 px-3 py-1.5 last:border-0 dark:border-zinc-800"
                >
                  <span className="font-mono text-xs text-zinc-500">line {e.line}</span> {e.reason}
                </li>
              ))}
            </ul>
          )}
          <Button variant="secondary" size="sm" onClick={() => setReport(null)}>
            Close report
          </Button>
        </div>
      )}
    </div>
  );
}
