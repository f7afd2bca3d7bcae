"use client";
import { Button } from "./button";
import { Notice } from "./surface";
import { errorMessage, fieldErrors } from "@/lib/trpc";

/**
 * The foot of a document editor (rules, schedules): why it was not saved (each field the
 * server named), any other error, "Saved.", and the save and back buttons.
 */
export function SaveFeedback({
  noun,
  errors,
  error,
  saved,
  pending,
  canWrite,
  creating,
  testId,
  onBack,
}: {
  /** "rule", "schedule"... */
  noun: string;
  errors: Record<string, string>;
  error: unknown;
  saved: boolean;
  pending: boolean;
  canWrite: boolean;
  creating: boolean;
  /** The prefix of the test ids: `${testId}-errors`, `${testId}-save`. */
  testId: string;
  onBack: () => void;
}) {
  return (
    <>
      {Object.keys(errors).length > 0 && (
        <Notice>
          <p className="font-medium">The {noun} is not saved:</p>
          <ul className="list-inside list-disc" data-testid={`${testId}-errors`}>
            {Object.entries(errors).map(([path, message]) => (
              <li key={path}>
                <code>{path || noun}</code>: {message}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {Boolean(error) && !Object.keys(fieldErrors(error)).length && <Notice>{errorMessage(error)}</Notice>}
      {saved && <Notice tone="success">Saved.</Notice>}
      {canWrite && (
        <div className="flex gap-2">
          <Button type="submit" disabled={pending} data-testid={`${testId}-save`}>
            {pending ? "Saving…" : creating ? `Create ${noun}` : "Save"}
          </Button>
          <Button variant="secondary" onClick={onBack}>
            Back to {noun}s
          </Button>
        </div>
      )}
    </>
  );
}
