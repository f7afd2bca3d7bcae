import "./builtin";

export * from "./decoder";
export * from "./registry";
export * from "./elsys";
export * from "./lorawan";
export * from "./samples";
