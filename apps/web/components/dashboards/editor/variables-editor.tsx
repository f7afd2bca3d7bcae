"use client";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Card } from "@/components/ui/surface";
import type { Variable } from "../types";

/** The dashboard's variables: twins picked in the view that widgets read through. */
export function VariablesEditor({
  variables,
  errors,
  onChange,
}: {
  variables: Variable[];
  errors: Record<string, string>;
  onChange: (variables: Variable[]) => void;
}) {
  const setVariable = (i: number, patch: Partial<Variable>) =>
    onChange(variables.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  return (
    <Card className="p-4">
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-semibold">Variables</h2>
        <Button
          size="sm"
          variant="secondary"
          data-testid="variable-add"
          onClick={() => onChange([...variables, { name: `var${variables.length + 1}`, label: "", kind: "device" }])}
        >
          Add a variable
        </Button>
      </div>
      {variables.length === 0 && <p className="text-xs text-zinc-500">None: widgets name their twins.</p>}
      {variables.map((v, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a variable's name is what is being edited
        <div key={i} className="grid grid-cols-2 gap-2 sm:grid-cols-6" data-testid={`variable-edit-${i}`}>
          <Field label="Name" error={errors[`variables.${i}.name`]}>
            {(props) => <Input {...props} value={v.name} onChange={(e) => setVariable(i, { name: e.target.value })} />}
          </Field>
          <Field label="Label">
            {(props) => <Input {...props} value={v.label} onChange={(e) => setVariable(i, { label: e.target.value })} />}
          </Field>
          <Field label="Kind">
            {(props) => (
              <Select {...props} value={v.kind} onChange={(e) => setVariable(i, { kind: e.target.value as Variable["kind"] })}>
                <option value="device">device</option>
                <option value="asset">asset</option>
              </Select>
            )}
          </Field>
          <Field label="Model" error={errors[`variables.${i}.model`]}>
            {(props) => (
              <Input {...props} value={v.model ?? ""} onChange={(e) => setVariable(i, { model: e.target.value || undefined })} />
            )}
          </Field>
          <Field label="Default reference" error={errors[`variables.${i}.default`]}>
            {(props) => (
              <Input
                {...props}
                value={v.default ?? ""}
                onChange={(e) => setVariable(i, { default: e.target.value || undefined })}
              />
            )}
          </Field>
          <div className="flex items-center">
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Remove variable ${v.name}`}
              onClick={() => onChange(variables.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        </div>
      ))}
    </Card>
  );
}
