"use client";
import { useQuery } from "@tanstack/react-query";
import { Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { FailedJobs } from "./failed-jobs";
import { IngestRate } from "./ingest-rate";
import { QueuesCard } from "./queues-card";
import { TenantUsage } from "./tenant-usage";

/** The platform's state for its operators, refreshed every two seconds: ingest, queues, failures, usage. */
export function SystemPage() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.system.overview.queryOptions(undefined, { refetchInterval: 2_000 }));
  return (
    <>
      <PageHeader
        title="System"
        description="The platform at work: payloads coming in, the worker's queues, failed jobs and what each tenant uses."
      />
      {overview.error && <Notice>{errorMessage(overview.error)}</Notice>}
      <div className="space-y-4">
        {overview.data && (
          <div className="grid gap-4 lg:grid-cols-[1fr_2fr]">
            <IngestRate rate={overview.data.ingestRate} />
            <QueuesCard overview={overview.data} />
          </div>
        )}
        <FailedJobs />
        <TenantUsage />
      </div>
    </>
  );
}
