import fc from 'fast-check';

// Property tests run with a fixed seed so CI is reproducible; set FC_SEED=random (or a number) to explore.
const seed = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261121);
fc.configureGlobal({ seed });
