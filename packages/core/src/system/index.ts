export * from "./queues";
export * from "./usage";
