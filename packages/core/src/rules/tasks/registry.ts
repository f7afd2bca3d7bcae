import { z } from "zod";
import { clearAlertTask, raiseAlertTask } from "./alert-tasks";
import { callApiTask } from "./api-task";
import { httpRequestTask } from "./http-task";
import { notifyTask } from "./notify-task";
import type { TTask } from "./task";
import { pushComputedMeasureTask, setMetadataTask } from "./twin-tasks";

const tasks = new Map<string, TTask>();

/** Adds a task; a module or a tenant group's code may register its own. */
export function registerTask(task: TTask): void {
  if (!/^[a-z][A-Za-z0-9]{1,63}$/.test(task.name)) throw new Error(`task name must be camelCase: ${task.name}`);
  tasks.set(task.name, task);
}

for (const task of [
  raiseAlertTask,
  clearAlertTask,
  setMetadataTask,
  pushComputedMeasureTask,
  httpRequestTask,
  callApiTask,
  notifyTask,
])
  registerTask(task as unknown as TTask);

export const getTask = (name: string): TTask | undefined => tasks.get(name);
export const taskNames = () => [...tasks.keys()];

export function listTasks() {
  return [...tasks.values()].map((t) => ({
    name: t.name,
    label: t.label,
    description: t.description,
    retrySafe: t.retrySafe,
    argsSchema: z.toJSONSchema(t.args, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
  }));
}
