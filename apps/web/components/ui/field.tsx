import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";

const control =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400 dark:bg-zinc-900 " +
  "border-zinc-300 dark:border-zinc-700 aria-[invalid=true]:border-red-500";

/** A labelled control with its hint or its error underneath. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby": string }) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": `${id}-note` })}
      <p
        id={`${id}-note`}
        className={`text-xs ${error ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}
        role={error ? "alert" : undefined}
      >
        {error ?? hint ?? ""}
      </p>
    </div>
  );
}

export function Input(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={`${control} ${props.className ?? ""}`} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={`${control} ${props.className ?? ""}`} />;
}

/** The <option>s of a select from plain values, or from { value, label } pairs. */
export function Options({ items }: { items: (string | { value: string; label: string })[] }) {
  return (
    <>
      {items.map((item) => {
        const { value, label } = typeof item === "string" ? { value: item, label: item } : item;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}
