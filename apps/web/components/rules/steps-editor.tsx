"use client";
import { Button } from "@/components/ui/button";
import { Field, Input, Options, Select } from "@/components/ui/field";
import { argKind, argsOf, argsToForm, newStep, type StepDraft } from "./draft";
import { explainCondition } from "./explain";
import type { TaskInfo } from "./types";

/** Ordered steps: a task each, its args' form generated from the task's JSON Schema. */
export function StepsEditor({
  steps,
  tasks,
  onChange,
  errors,
}: {
  steps: StepDraft[];
  tasks: TaskInfo[];
  onChange: (steps: StepDraft[]) => void;
  errors: Record<string, string>;
}) {
  const set = (i: number, step: StepDraft) => onChange(steps.map((s, j) => (j === i ? step : s)));
  const move = (i: number, by: number) => {
    const next = [...steps];
    const [step] = next.splice(i, 1);
    if (step) next.splice(i + by, 0, step);
    onChange(next);
  };
  const stepErrors = (i: number) =>
    Object.entries(errors).filter(([path]) => path === `steps.${i}` || path.startsWith(`steps.${i}.`));

  return (
    <div className="space-y-3">
      {steps.map((step, i) => {
        const task = tasks.find((t) => t.name === step.task);
        const mine = stepErrors(i);
        const shown = new Set<string>();
        return (
          <div key={step.key} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800" data-testid="step">
            <div className="mb-2 flex flex-wrap items-center gap-2">
              <span className="text-sm font-medium text-zinc-500">{i + 1}.</span>
              <Select
                aria-label={`Task of step ${i + 1}`}
                value={step.task}
                onChange={(e) => {
                  const next = tasks.find((t) => t.name === e.target.value);
                  set(i, {
                    ...newStep(next, e.target.value),
                    key: step.key,
                    ...(step.when !== undefined ? { when: step.when } : {}),
                  });
                }}
                className="max-w-xs"
                data-testid={`step-task-${i}`}
                aria-invalid={Boolean(errors[`steps.${i}.task`])}
              >
                <option value="">Choose a task…</option>
                <Options items={tasks.map((t) => ({ value: t.name, label: t.label }))} />
              </Select>
              <div className="ml-auto flex gap-1">
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Move step ${i + 1} up`}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                >
                  ↑
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Move step ${i + 1} down`}
                  disabled={i === steps.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove step ${i + 1}`}
                  data-testid={`step-remove-${i}`}
                  onClick={() => onChange(steps.filter((_, j) => j !== i))}
                >
                  ✕
                </Button>
              </div>
            </div>
            {task && <p className="mb-3 text-xs text-zinc-500">{task.description}</p>}
            <div className="grid gap-3 sm:grid-cols-2">
              {argsOf(task).map(([name, schema]) => {
                const path = `steps.${i}.args.${name}`;
                shown.add(path);
                const error = Object.entries(errors)
                  .filter(([p]) => p === path || p.startsWith(`${path}.`))
                  .map(([, m]) => m)
                  .join("; ");
                const required = (((task?.argsSchema ?? {}) as { required?: string[] }).required ?? []).includes(name);
                const kind = argKind(schema);
                const value = step.args[name];
                const setArg = (v: string | boolean) => set(i, { ...step, args: { ...step.args, [name]: v } });
                const testId = `step-${i}-arg-${name}`;
                const hint = [schema.description, schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : ""]
                  .filter(Boolean)
                  .join(" · ");
                if (kind === "boolean")
                  return (
                    <label key={name} className="flex items-center gap-2 self-end text-sm">
                      <input
                        type="checkbox"
                        checked={value === true}
                        onChange={(e) => setArg(e.target.checked)}
                        data-testid={testId}
                      />
                      {name}
                      {schema.description && <span className="text-xs text-zinc-500">({schema.description})</span>}
                      {error && <span className="text-xs text-red-600">{error}</span>}
                    </label>
                  );
                return (
                  <div key={name} className={kind === "json" ? "sm:col-span-2" : ""}>
                    <Field label={`${name}${required ? " *" : ""}`} error={error || undefined} hint={hint}>
                      {(props) =>
                        kind === "enum" ? (
                          <Select
                            {...props}
                            value={String(value ?? "")}
                            onChange={(e) => setArg(e.target.value)}
                            data-testid={testId}
                          >
                            {!required && <option value="">(default)</option>}
                            <Options items={(schema.enum as string[]).map(String)} />
                          </Select>
                        ) : kind === "json" ? (
                          <textarea
                            {...props}
                            rows={4}
                            spellCheck={false}
                            value={String(value ?? "")}
                            onChange={(e) => setArg(e.target.value)}
                            placeholder="JSON"
                            data-testid={testId}
                            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
                          />
                        ) : (
                          <Input
                            {...props}
                            type={kind === "number" ? "number" : "text"}
                            min={schema.minimum}
                            max={schema.maximum}
                            value={String(value ?? "")}
                            onChange={(e) => setArg(e.target.value)}
                            data-testid={testId}
                          />
                        )
                      }
                    </Field>
                  </div>
                );
              })}
            </div>
            {step.when !== undefined && (
              <p className="mt-2 text-xs text-zinc-500">Runs only when {explainCondition(step.when)}.</p>
            )}
            {mine
              .filter(([path]) => !shown.has(path) && ![...shown].some((s) => path.startsWith(`${s}.`)))
              .map(([path, message]) => (
                <p key={path} className="mt-1 text-xs text-red-600 dark:text-red-400" role="alert">
                  {path.replace(`steps.${i}.`, "") || "step"}: {message}
                </p>
              ))}
          </div>
        );
      })}
      <Button
        size="sm"
        variant="secondary"
        data-testid="step-add"
        onClick={() => onChange([...steps, { ...newStep(undefined, ""), args: argsToForm(undefined, null) }])}
      >
        Add a step
      </Button>
    </div>
  );
}
