/**
 * The GEMM micro-kernel's register tile: MR output channels × NR output pixels (NR = two f32x4
 * vectors), as compiled into assembly/kernels.ts. The planner packs weights in MR-row panels and
 * im2col columns in NR-pixel panels; the host checks at load that the module was built with the same
 * numbers (runtime.ts), and the kernels' names carry them (table.ts).
 */
export const MR = 4;
export const NR = 8;
