"use client";
import { useQuery } from "@tanstack/react-query";
import { EMPTY_SCHEDULE_DRAFT } from "@/components/schedules/draft";
import { ScheduleEditor } from "@/components/schedules/schedule-editor";
import { PageHeader } from "@/components/ui/surface";
import { useTRPC } from "@/lib/trpc";

export default function NewSchedulePage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  return (
    <>
      <PageHeader title="New schedule" description="When it runs (a cron in a timezone, or every N seconds) and what it does." />
      <ScheduleEditor
        schedule={null}
        initial={EMPTY_SCHEDULE_DRAFT}
        canWrite={Boolean(me.data?.currentTenant?.permissions.includes("schedules:write"))}
      />
    </>
  );
}
