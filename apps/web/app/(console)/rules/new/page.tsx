"use client";
import { useQuery } from "@tanstack/react-query";
import { EMPTY_DRAFT } from "@/components/rules/draft";
import { RuleEditor } from "@/components/rules/rule-editor";
import { Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

export default function NewRulePage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const tasks = useQuery(trpc.rules.listTasks.queryOptions());
  const triggers = useQuery(trpc.rules.listTriggers.queryOptions());
  const error = tasks.error ?? triggers.error;
  return (
    <>
      <PageHeader title="New rule" description="A trigger, a condition, and the steps to run when it holds." />
      {error ? (
        <Notice>{errorMessage(error)}</Notice>
      ) : tasks.data && triggers.data ? (
        <RuleEditor
          rule={null}
          initial={EMPTY_DRAFT}
          tasks={tasks.data}
          triggers={triggers.data}
          canWrite={Boolean(me.data?.currentTenant?.permissions.includes("rules:write"))}
        />
      ) : (
        <p className="text-sm text-zinc-500">Loading…</p>
      )}
    </>
  );
}
