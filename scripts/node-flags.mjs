// Flags for every Node process that runs the server (the `tradelane` command, benchmarks; package.json's
// start script repeats them).
// --max-semi-space-size=64: a 64 MiB young generation (default 16 MiB). Requests allocate short-lived
// objects (parsed rows, JSON, SQL text); with the default, objects of requests still in flight were
// promoted and collected by full GCs: measured on order intake (npm run bench -- orders), garbage
// collection took 24 % of the server's time and Node spent 1.12 ms CPU per batched order; with 64 MiB,
// 8 % and 0.48 ms. Memory cost: at most 3 × 48 MiB more young space.
export const NODE_FLAGS = ['--max-semi-space-size=64'];
