// convlab's WebAssembly SIMD128 kernels, in AssemblyScript. Compiled by scripts/build-wasm.mjs into
// src/kernels/wasm/generated/ (one module per SIMD flavour: plain SIMD128, and relaxed SIMD with
// fused multiply-add). Every pointer is a byte offset into the (shared) memory the host imports;
// every array is float32 in C order. The host (src/kernels/wasm/conv.ts, planned by plan.ts) lays the
// buffers out.

/** Micro-kernel tile: MR output channels × NR output pixels (NR = two f32x4 vectors). */
const MR: i32 = 4;
const NR: i32 = 8;

/** The tile this module was built with: the host checks it against its planner's (src/kernels/wasm/tile.ts). */
export function microTileRows(): i32 {
  return MR;
}
export function microTileColumns(): i32 {
  return NR;
}

/** a·b + c: one fused instruction with relaxed SIMD, a multiply and an add without. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Lanes l0 .. l1−1 of one im2col panel row: pixels on output row oy from column ox, tap (ky, kx) of
 * one input plane. The lanes read input cells sW apart on one input row; the bounds are checked once
 * for the whole run when it lies inside the row, per cell otherwise.
 */
// @ts-ignore: decorator
@inline function gatherRun(
  dst: usize, plane: usize, H: i32, W: i32, iy: i32, ix: i32, sW: i32, l0: i32, l1: i32,
): void {
  if (<u32>iy >= <u32>H) {
    for (let l = l0; l < l1; l++) store<f32>(dst + <usize>l * 4, 0);
    return;
  }
  const src = plane + <usize>(iy * W) * 4;
  if (ix >= 0 && ix + (l1 - l0 - 1) * sW < W) {
    let x = ix;
    for (let l = l0; l < l1; l++) {
      store<f32>(dst + <usize>l * 4, load<f32>(src + <usize>x * 4));
      x += sW;
    }
  } else {
    let x = ix;
    for (let l = l0; l < l1; l++) {
      store<f32>(dst + <usize>l * 4, <u32>x < <u32>W ? load<f32>(src + <usize>x * 4) : 0);
      x += sW;
    }
  }
}

/**
 * im2col for one group and a run of output pixels, written as the GEMM reads it: in panels of NR
 * pixels, each panel K rows of NR floats (panel q, tap k, lane l at ((q·K + k)·NR + l)). Tap k =
 * (c, ky, kx) of pixel p = p0 + q·NR + l holds the input cell it reads, zero outside the input; lanes
 * past pn are zero.
 *
 *   iy = oy·sH − padT + ky·dH,  ix = ox·sW − padL + kx·dW,  p = oy·Wo + ox
 *
 * A panel's pixels lie on one output row, or on two when it crosses a row end (or on more, for output
 * rows narrower than a panel): each row's run of lanes reads cells sW apart on one input row — two
 * vector loads for a whole panel at stride 1, four loads and two shuffles at stride 2.
 */
export function im2col(
  input: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  padT: i32, padL: i32, Wo: i32, p0: i32, pn: i32, col: usize,
): void {
  let dst = col;
  for (let q = 0; q < pn; q += NR) {
    const lanes = min(NR, pn - q);
    const first = p0 + q;
    const oy0 = first / Wo;
    const ox0 = first - oy0 * Wo;
    const run1 = min(lanes, Wo - ox0); // lanes on row oy0; the rest (if any) start row oy0 + 1
    const twoRuns = lanes - run1 <= Wo;
    const full = run1 == NR;
    const span = (NR - 1) * sW + 1;
    // Interior panels (every tap inside the input): no checks, just loads (vector loads and shuffles
    // for strides 1 to 3) and stores.
    const top = oy0 * sH - padT, left = ox0 * sW - padL;
    if (full && top >= 0 && top + (kH - 1) * dH < H && left >= 0 && left + (kW - 1) * dW + NR * sW <= W) {
      const tapStep = <usize>dW * 4;
      for (let c = 0; c < C; c++) {
        for (let ky = 0; ky < kH; ky++) {
          let src = input + <usize>((c * H + top + ky * dH) * W + left) * 4;
          if (sW == 1) {
            for (let kx = 0; kx < kW; kx++) {
              v128.store(dst, v128.load(src));
              v128.store(dst, v128.load(src, 16), 16);
              src += tapStep;
              dst += NR * 4;
            }
          } else if (sW == 2) {
            for (let kx = 0; kx < kW; kx++) {
              v128.store(dst, v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 2, 4, 6));
              v128.store(dst, v128.shuffle<f32>(v128.load(src, 32), v128.load(src, 48), 0, 2, 4, 6), 16);
              src += tapStep;
              dst += NR * 4;
            }
          } else if (sW == 3) {
            // Cells 0, 3, 6, 9 | 12, 15, 18, 21: two shuffles per output vector.
            for (let kx = 0; kx < kW; kx++) {
              const lo = v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 3, 6, 7);
              v128.store(dst, v128.shuffle<f32>(lo, v128.load(src, 32), 0, 1, 2, 5));
              const hi = v128.shuffle<f32>(v128.load(src, 48), v128.load(src, 64), 0, 3, 6, 7);
              v128.store(dst, v128.shuffle<f32>(hi, v128.load(src, 80), 0, 1, 2, 5), 16);
              src += tapStep;
              dst += NR * 4;
            }
          } else {
            for (let kx = 0; kx < kW; kx++) {
              for (let l = 0; l < NR; l++) store<f32>(dst + <usize>l * 4, load<f32>(src + <usize>(l * sW) * 4));
              src += tapStep;
              dst += NR * 4;
            }
          }
        }
      }
      continue;
    }
    for (let c = 0; c < C; c++) {
      const plane = input + <usize>(c * H * W) * 4;
      for (let ky = 0; ky < kH; ky++) {
        for (let kx = 0; kx < kW; kx++) {
          const iy = oy0 * sH - padT + ky * dH;
          const ix = ox0 * sW - padL + kx * dW;
          if (full && <u32>iy < <u32>H && ix >= 0 && ix + span <= W && sW <= 2) {
            const src = plane + <usize>(iy * W + ix) * 4;
            if (sW == 1) {
              v128.store(dst, v128.load(src));
              v128.store(dst, v128.load(src, 16), 16);
            } else if (ix + 2 * NR <= W) {
              v128.store(dst, v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 2, 4, 6));
              v128.store(dst, v128.shuffle<f32>(v128.load(src, 32), v128.load(src, 48), 0, 2, 4, 6), 16);
            } else {
              gatherRun(dst, plane, H, W, iy, ix, sW, 0, NR);
            }
          } else if (twoRuns) {
            gatherRun(dst, plane, H, W, iy, ix, sW, 0, run1);
            if (run1 < lanes) gatherRun(dst, plane, H, W, iy + sH, kx * dW - padL, sW, run1, lanes);
            for (let l = lanes; l < NR; l++) store<f32>(dst + <usize>l * 4, 0);
          } else {
            // Output rows narrower than a panel: each lane its own cell.
            let oy = oy0, ox = ox0;
            for (let l = 0; l < NR; l++) {
              let value: f32 = 0;
              if (l < lanes) {
                const y = oy * sH - padT + ky * dH;
                const x = ox * sW - padL + kx * dW;
                if (<u32>y < <u32>H && <u32>x < <u32>W) value = load<f32>(plane + <usize>(y * W + x) * 4);
                if (++ox == Wo) { ox = 0; oy++; }
              }
              store<f32>(dst + <usize>l * 4, value);
            }
          }
          dst += NR * 4;
        }
      }
    }
  }
}

/**
 * Packs M rows of K weights (row stride K) into panels of MR rows: panel i holds, for each k, the MR
 * weights w[i·MR + r][k] side by side, so the micro-kernel reads one panel front to back. Rows past
 * M are zero.
 */
export function packWeights(weight: usize, M: i32, K: i32, packed: usize): void {
  let dst = packed;
  const rowBytes = <usize>K * 4;
  for (let m0 = 0; m0 < M; m0 += MR) {
    let k = 0;
    if (m0 + MR <= M) {
      // A whole panel (MR = 4 rows), four k at a time: load a 4 × 4 block, transpose it with shuffles.
      const r0 = weight + <usize>m0 * rowBytes;
      for (; k + 4 <= K; k += 4) {
        const src = r0 + <usize>k * 4;
        const a = v128.load(src), b = v128.load(src + rowBytes), c = v128.load(src + 2 * rowBytes), d = v128.load(src + 3 * rowBytes);
        const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), cd01 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
        const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7), cd23 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<f32>(ab01, cd01, 0, 1, 4, 5));
        v128.store(dst, v128.shuffle<f32>(ab01, cd01, 2, 3, 6, 7), 16);
        v128.store(dst, v128.shuffle<f32>(ab23, cd23, 0, 1, 4, 5), 32);
        v128.store(dst, v128.shuffle<f32>(ab23, cd23, 2, 3, 6, 7), 48);
        dst += 64;
      }
    }
    for (; k < K; k++) {
      for (let r = 0; r < MR; r++) {
        const m = m0 + r;
        store<f32>(dst, m < M ? load<f32>(weight + (<usize>m * K + k) * 4) : 0);
        dst += 4;
      }
    }
  }
}

/**
 * out[m][n] = bias[m] + Σ_k A[m][k] · B[k][n] for m < M, n < N: the convolution of one group as a
 * matrix product of the packed weights (M × K, in MR-row panels) and the pixels B (K × N). The NR
 * pixels n0 .. n0 + NR − 1 of row k are read at B + (n0 / NR)·panelBytes + k·rowBytes: im2col's
 * panels (panelBytes = K·NR·4, rowBytes = NR·4) or, for 1×1, the input planes in place (panelBytes =
 * NR·4, rowBytes = plane stride·4; rows are then read up to NR − 1 floats past N, which the host
 * leaves room for). `out` has row stride ldo. bias = 0 means none. `tail` is scratch for partial
 * tiles (MR·NR floats).
 *
 * Register blocking: an MR × NR = 4 × 8 tile of the output lives in 8 f32x4 accumulators while k
 * runs; each step reads 32 contiguous bytes of B and broadcasts four weights: 8 multiply-adds for
 * 6 loads, both operands streamed front to back. k is unrolled by two.
 */
export function gemm(
  packed: usize, B: usize, panelBytes: i32, rowBytes: i32, out: usize, ldo: i32, M: i32, N: i32, K: i32, bias: usize, tail: usize,
): void {
  const dstRow = <usize>ldo * 4;
  let panel = packed;
  for (let m0 = 0; m0 < M; m0 += MR) {
    let bPanel = B;
    for (let n0 = 0; n0 < N; n0 += NR) {
      let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      if (bias != 0) {
        const bp = bias + <usize>m0 * 4;
        c00 = v128.load32_splat(bp); c01 = c00;
        if (m0 + 1 < M) { c10 = v128.load32_splat(bp, 4); c11 = c10; }
        if (m0 + 2 < M) { c20 = v128.load32_splat(bp, 8); c21 = c20; }
        if (m0 + 3 < M) { c30 = v128.load32_splat(bp, 12); c31 = c30; }
      }
      let a = panel;
      let b = bPanel;
      let k = 0;
      for (; k < K; k++) {
        const b0 = v128.load(b);
        const b1 = v128.load(b, 16);
        let w = v128.load32_splat(a);
        c00 = madd(w, b0, c00); c01 = madd(w, b1, c01);
        w = v128.load32_splat(a, 4);
        c10 = madd(w, b0, c10); c11 = madd(w, b1, c11);
        w = v128.load32_splat(a, 8);
        c20 = madd(w, b0, c20); c21 = madd(w, b1, c21);
        w = v128.load32_splat(a, 12);
        c30 = madd(w, b0, c30); c31 = madd(w, b1, c31);
        a += MR * 4;
        b += <usize>rowBytes;
      }
      const rows = min(MR, M - m0);
      const cols = min(NR, N - n0);
      if (cols == NR) {
        let dst = out + (<usize>m0 * ldo + n0) * 4;
        v128.store(dst, c00); v128.store(dst, c01, 16);
        if (rows > 1) { dst += dstRow; v128.store(dst, c10); v128.store(dst, c11, 16); }
        if (rows > 2) { dst += dstRow; v128.store(dst, c20); v128.store(dst, c21, 16); }
        if (rows > 3) { dst += dstRow; v128.store(dst, c30); v128.store(dst, c31, 16); }
      } else {
        v128.store(tail, c00); v128.store(tail, c01, 16);
        v128.store(tail, c10, 32); v128.store(tail, c11, 48);
        v128.store(tail, c20, 64); v128.store(tail, c21, 80);
        v128.store(tail, c30, 96); v128.store(tail, c31, 112);
        const dst = out + (<usize>m0 * ldo + n0) * 4;
        for (let r = 0; r < rows; r++) {
          memory.copy(dst + <usize>r * dstRow, tail + <usize>(r * NR) * 4, <usize>cols * 4);
        }
      }
      bPanel += <usize>panelBytes;
    }
    panel += <usize>(MR * K) * 4;
  }
}

/**
 * Depthwise convolution of one channel plane that the host has already padded (zeros or a padding
 * mode): out[oy][ox] = bias + Σ w[ky][kx] · x[oy·sH + ky·dH][ox·sW + kx·dW], with x of row stride Wp.
 * With sW = 1 sixteen outputs are computed at once (four accumulators, to hide the add latency);
 * reads may run up to 15 cells past a row's end, which the host's padded plane allows.
 */
export function depthwisePlane(
  x: usize, Wp: i32, w: usize, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  biasValue: f32, Ho: i32, Wo: i32, out: usize, tail: usize,
): void {
  const rowBytes = <usize>Wp * 4;
  for (let oy = 0; oy < Ho; oy++) {
    const top = x + <usize>(oy * sH) * rowBytes;
    const dstRow = out + <usize>(oy * Wo) * 4;
    let ox = 0;
    if (sW == 1) {
      for (; ox < Wo; ox += 16) {
        let acc0 = f32x4.splat(biasValue), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        let wp = w;
        for (let ky = 0; ky < kH; ky++) {
          let src = top + <usize>(ky * dH) * rowBytes + <usize>ox * 4;
          for (let kx = 0; kx < kW; kx++) {
            const wv = v128.load32_splat(wp);
            acc0 = madd(wv, v128.load(src), acc0);
            acc1 = madd(wv, v128.load(src, 16), acc1);
            acc2 = madd(wv, v128.load(src, 32), acc2);
            acc3 = madd(wv, v128.load(src, 48), acc3);
            wp += 4;
            src += <usize>dW * 4;
          }
        }
        const dst = dstRow + <usize>ox * 4;
        if (ox + 16 <= Wo) {
          v128.store(dst, acc0); v128.store(dst, acc1, 16); v128.store(dst, acc2, 32); v128.store(dst, acc3, 48);
        } else {
          v128.store(tail, acc0); v128.store(tail, acc1, 16); v128.store(tail, acc2, 32); v128.store(tail, acc3, 48);
          memory.copy(dst, tail, <usize>(Wo - ox) * 4);
        }
      }
    } else {
      for (; ox < Wo; ox++) {
        let acc = biasValue;
        let wp = w;
        for (let ky = 0; ky < kH; ky++) {
          const src = top + <usize>(ky * dH) * rowBytes + <usize>(ox * sW) * 4;
          for (let kx = 0; kx < kW; kx++) {
            acc += load<f32>(wp) * load<f32>(src + <usize>(kx * dW) * 4);
            wp += 4;
          }
        }
        store<f32>(dstRow + <usize>ox * 4, acc);
      }
    }
  }
}

/**
 * Copies a C × H × W block into a zeroed (H + padT + padB) × Wp plane per channel, at (padT, padL):
 * zero padding made explicit, for the depthwise kernel. Rows are Wp wide (≥ W + padL + padR, plus
 * room for vector overrun); `planeFloats` is the distance between channel planes.
 */
export function padZeros(
  input: usize, C: i32, H: i32, W: i32, padT: i32, padL: i32, Wp: i32, planeFloats: i32, out: usize,
): void {
  memory.fill(out, 0, <usize>C * planeFloats * 4);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      memory.copy(
        out + (<usize>c * planeFloats + <usize>(y + padT) * Wp + padL) * 4,
        input + <usize>((c * H + y) * W) * 4,
        <usize>W * 4,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Winograd F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016), for
// 3×3 kernels at stride 1 (dilated ones as sub-grids: the host passes strided views of the planes).
// A 6×6 patch d of the input gives a 4×4 block of the output:
//
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// with g the 3×3 kernel. Summed over input channels, the elementwise product becomes 36 independent
// matrix products, one per position ξ of the 6×6 transformed patch: M[ξ] = U[ξ] · V[ξ], U[ξ] the
// (out × in channel) matrix of transformed weights, V[ξ] the (in channel × tile) matrix of transformed
// patches. 36 multiplications per output channel, input channel and tile replace 16 · 9 = 144: the
// GEMM above does them, so the transforms only lay their results out as its operands. The matrices
// (interpolation points 0, ±1, ±2 and ∞) are written out in the three 1-D transforms below.
//
// Every transform runs on f32x4 vectors whose four lanes are four tiles side by side.
// ---------------------------------------------------------------------------------------------------

/** Tiles per vector, output cells per tile side, patch cells per tile side. */
const WINO_LANES: i32 = 4;
const WINO_OUT: i32 = 4;
const WINO_PATCH: i32 = 6;

/**
 * Bᵀ d for one line of six patch cells (read `step` bytes apart, written `dstStep` apart):
 *   t0 = 4d0 − 5d2 + d4,   t1 = (d4 − 4d2) + (d3 − 4d1),   t2 = (d4 − 4d2) − (d3 − 4d1),
 *   t3 = (d4 − d2) + 2(d3 − d1),   t4 = (d4 − d2) − 2(d3 − d1),   t5 = 4d1 − 5d3 + d5.
 */
// @ts-ignore: decorator
@inline function inputLine(src: usize, step: usize, dst: usize, dstStep: usize): void {
  const d0 = v128.load(src), d1 = v128.load(src + step), d2 = v128.load(src + 2 * step);
  const d3 = v128.load(src + 3 * step), d4 = v128.load(src + 4 * step), d5 = v128.load(src + 5 * step);
  const four = f32x4.splat(4), minusFour = f32x4.splat(-4), minusFive = f32x4.splat(-5), two = f32x4.splat(2);
  const a = madd(minusFour, d2, d4);
  const b = madd(minusFour, d1, d3);
  const c = f32x4.sub(d4, d2);
  const e = f32x4.mul(two, f32x4.sub(d3, d1));
  v128.store(dst, madd(four, d0, madd(minusFive, d2, d4)));
  v128.store(dst + dstStep, f32x4.add(a, b));
  v128.store(dst + 2 * dstStep, f32x4.sub(a, b));
  v128.store(dst + 3 * dstStep, f32x4.add(c, e));
  v128.store(dst + 4 * dstStep, f32x4.sub(c, e));
  v128.store(dst + 5 * dstStep, madd(four, d1, madd(minusFive, d3, d5)));
}

/**
 * G g for one line of three kernel taps (four output channels, one per lane):
 *   u0 = g0/4,  u1 = −(g0 + g1 + g2)/6,  u2 = −(g0 − g1 + g2)/6,
 *   u3 = g0/24 + g1/12 + g2/6,  u4 = g0/24 − g1/12 + g2/6,  u5 = g2.
 */
// @ts-ignore: decorator
@inline function weightLine(src: usize, step: usize, dst: usize, dstStep: usize): void {
  const g0 = v128.load(src), g1 = v128.load(src + step), g2 = v128.load(src + 2 * step);
  const outer = f32x4.add(g0, g2);
  const sixth = f32x4.splat(<f32>1 / 6), minusSixth = f32x4.splat(<f32>-1 / 6), twelfth = f32x4.splat(<f32>1 / 12);
  const even = madd(f32x4.splat(<f32>1 / 24), g0, f32x4.mul(sixth, g2));
  v128.store(dst, f32x4.mul(f32x4.splat(0.25), g0));
  v128.store(dst + dstStep, f32x4.mul(minusSixth, f32x4.add(outer, g1)));
  v128.store(dst + 2 * dstStep, f32x4.mul(minusSixth, f32x4.sub(outer, g1)));
  v128.store(dst + 3 * dstStep, madd(twelfth, g1, even));
  v128.store(dst + 4 * dstStep, f32x4.sub(even, f32x4.mul(twelfth, g1)));
  v128.store(dst + 5 * dstStep, g2);
}

/**
 * Transforms the 3×3 weights of output channels oFirst .. oEnd − 1 (oFirst a multiple of MR) of group
 * gr (Og output channels, Cg input channels each) into U = G g Gᵀ and writes them straight into the
 * GEMM's packed layout: for group gr and position ξ, the block at packed + (gr·36 + ξ)·blockStride
 * holds U[ξ] for the group's Og × Cg channel pairs in MR-row panels (as packWeights lays them out;
 * rows past Og are zero).
 *
 * MR = 4 output channels at a time, one per lane, so each (panel, input channel) ends as 36 vector
 * stores, one per block. `scratch` holds 9 + 18 + 36 vectors.
 */
export function winogradWeights(
  weight: usize, Cg: i32, Og: i32, gr: i32, oFirst: i32, oEnd: i32, packed: usize, blockStride: i32, scratch: usize,
): void {
  const taps = scratch; // 9 vectors: tap t of the four channels
  const gg = scratch + 9 * 16; // G g: 6 rows × 3
  const u = scratch + 27 * 16; // (G g) Gᵀ: 6 × 6
  const channelBytes = <usize>(Cg * 9) * 4;
  for (let o0 = oFirst; o0 < oEnd; o0 += MR) {
    const rows = min(MR, Og - o0);
    const panel = packed + <usize>(gr * 36) * <usize>blockStride + <usize>(o0 * Cg) * 4;
    for (let c = 0; c < Cg; c++) {
      // Tap t = 3·ky + kx of the four channels, one per lane (zero past Og).
      let g = weight + (<usize>(gr * Og + o0) * <usize>Cg + c) * 36;
      for (let l = 0; l < MR; l++) {
        for (let t = 0; t < 9; t++) store<f32>(taps + <usize>(t * 4 + l) * 4, l < rows ? load<f32>(g + <usize>t * 4) : 0);
        g += channelBytes;
      }
      // G down each column of taps (ky), then along each of the six rows (kx).
      for (let kx = 0; kx < 3; kx++) weightLine(taps + <usize>kx * 16, 48, gg + <usize>kx * 16, 48);
      for (let i = 0; i < 6; i++) weightLine(gg + <usize>(i * 3) * 16, 16, u + <usize>(i * 6) * 16, 16);
      const at = panel + <usize>(c * MR) * 4;
      for (let xi = 0; xi < 36; xi++) v128.store(at + <usize>xi * <usize>blockStride, v128.load(u + <usize>xi * 16));
    }
  }
}

/**
 * The input transform of Cg channel planes (H × W, zero padding padT / padL around them) for tiles
 * t0 .. t0 + tn − 1 of an image whose output is tilesX tiles wide. The planes are views: planeBytes
 * from one to the next, rowStride bytes from row to row, colStep floats from cell to cell (a dilated
 * layer's sub-grid: every d-th row and column). It computes V[ξ] = (Bᵀ d B)[ξ] for every
 * channel and tile, written as the GEMM reads its right-hand matrix (NR-tile panels, Cg rows each):
 * position ξ at V + ξ·xiStride, tile q's lane in panel q / NR. `patch` is scratch for 2 × 36 vectors.
 *
 * Four tiles at a time, one per lane: a run of four tiles on one row that lies inside the input is
 * read with five vector loads per patch row and transposed by shuffles; the others (borders, runs
 * that wrap to the next tile row) are gathered cell by cell with zeros outside.
 */
export function winogradInput(
  input: usize, planeBytes: i32, rowStride: i32, colStep: i32, Cg: i32, H: i32, W: i32, padT: i32, padL: i32,
  tilesX: i32, t0: i32, tn: i32, V: usize, xiStride: i32, patch: usize,
): void {
  const xiBytes = <usize>xiStride;
  const lines = patch + 36 * 16; // Bᵀ applied along each patch row
  const rowBytes = <usize>rowStride;
  const cellBytes = <usize>colStep * 4;
  for (let q = 0; q < tn; q += WINO_LANES) {
    const first = t0 + q;
    const ty = first / tilesX, tx = first - ty * tilesX;
    const iy0 = ty * WINO_OUT - padT, ix0 = tx * WINO_OUT - padL;
    // The patches of four tiles in a row span 18 columns; the loads read 20 (the host leaves room).
    const inside =
      colStep <= 2 && q + WINO_LANES <= tn && tx + WINO_LANES <= tilesX && iy0 >= 0 && iy0 + WINO_PATCH <= H && ix0 >= 0 && ix0 + 18 <= W;
    const dstBase = V + <usize>((((q / NR) * Cg) * NR + (q % NR)) * 4);
    for (let c = 0; c < Cg; c++) {
      const plane = input + <usize>c * <usize>planeBytes;
      if (inside) {
        let src = plane + <usize>iy0 * rowBytes + <usize>ix0 * cellBytes;
        for (let r = 0; r < WINO_PATCH; r++) {
          // Columns j of the four tiles: cells ix0 + 4l + j, l = 0..3 — a 4 × 4 transpose of v0..v3,
          // then columns 4 and 5 shifted in from v4. At a column step of 2 (a dilated layer's
          // sub-grid) each vector is the even lanes of two loads.
          let v0: v128, v1: v128, v2: v128, v3: v128, v4: v128;
          if (colStep == 1) {
            v0 = v128.load(src); v1 = v128.load(src, 16); v2 = v128.load(src, 32); v3 = v128.load(src, 48); v4 = v128.load(src, 64);
          } else {
            v0 = v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 2, 4, 6);
            v1 = v128.shuffle<f32>(v128.load(src, 32), v128.load(src, 48), 0, 2, 4, 6);
            v2 = v128.shuffle<f32>(v128.load(src, 64), v128.load(src, 80), 0, 2, 4, 6);
            v3 = v128.shuffle<f32>(v128.load(src, 96), v128.load(src, 112), 0, 2, 4, 6);
            v4 = v128.shuffle<f32>(v128.load(src, 128), v128.load(src, 144), 0, 2, 4, 6);
          }
          const lo01 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
          const hi01 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
          const c0 = v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5), c1 = v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7);
          const row = patch + <usize>(r * 6) * 16;
          v128.store(row, c0);
          v128.store(row, c1, 16);
          v128.store(row, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), 32);
          v128.store(row, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), 48);
          v128.store(row, v128.shuffle<f32>(c0, v4, 1, 2, 3, 4), 64);
          v128.store(row, v128.shuffle<f32>(c1, v4, 1, 2, 3, 5), 80);
          src += rowBytes;
        }
      } else {
        for (let l = 0; l < WINO_LANES; l++) {
          const t = first + l;
          const ly = t / tilesX, lx = t - ly * tilesX;
          const y0 = ly * WINO_OUT - padT, x0 = lx * WINO_OUT - padL;
          const valid = q + l < tn;
          for (let r = 0; r < WINO_PATCH; r++) {
            const y = y0 + r;
            const rowInside = valid && <u32>y < <u32>H;
            for (let j = 0; j < WINO_PATCH; j++) {
              const x = x0 + j;
              const value: f32 = rowInside && <u32>x < <u32>W ? load<f32>(plane + <usize>y * rowBytes + <usize>x * cellBytes) : 0;
              store<f32>(patch + <usize>((r * 6 + j) * 4 + l) * 4, value);
            }
          }
        }
      }
      // Bᵀ along each row, then along each column, into the 36 GEMM operands.
      for (let r = 0; r < WINO_PATCH; r++) inputLine(patch + <usize>(r * 6) * 16, 16, lines + <usize>(r * 6) * 16, 16);
      const dst = dstBase + <usize>(c * NR) * 4;
      for (let k = 0; k < WINO_PATCH; k++) inputLine(lines + <usize>k * 16, 96, dst + <usize>k * xiBytes, 6 * xiBytes);
    }
  }
}

/**
 * Aᵀ m for one line of six transformed values into four outputs:
 *   y0 = m0 + (m1 + m2) + (m3 + m4),  y1 = (m1 − m2) + 2(m3 − m4),
 *   y2 = (m1 + m2) + 4(m3 + m4),      y3 = (m1 − m2) + 8(m3 − m4) + m5.
 */
// @ts-ignore: decorator
@inline function outputLine(src: usize, step: usize, dst: usize, dstStep: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + step), m2 = v128.load(src + 2 * step);
  const m3 = v128.load(src + 3 * step), m4 = v128.load(src + 4 * step), m5 = v128.load(src + 5 * step);
  const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(m0, f32x4.add(s12, s34)));
  v128.store(dst + dstStep, madd(f32x4.splat(2), d34, d12));
  v128.store(dst + 2 * dstStep, madd(f32x4.splat(4), s34, s12));
  v128.store(dst + 3 * dstStep, madd(f32x4.splat(8), d34, f32x4.add(d12, m5)));
}

/**
 * The output transform: Y = Aᵀ M A + bias for Og output channels and tiles t0 .. t0 + tn − 1, from
 * the GEMM results M[ξ] (Og × T, row stride T, at M + ξ·xiStride), into the Ho × Wo output planes at
 * `out` — views like winogradInput's (planeBytes, rowStride, colStep). bias = 0 means none. `scratch` holds 28 vectors.
 */
export function winogradOutput(
  M: usize, xiStride: i32, Og: i32, T: i32, tilesX: i32, t0: i32, tn: i32, Ho: i32, Wo: i32,
  out: usize, planeBytes: i32, rowStride: i32, colStep: i32, bias: usize, scratch: usize,
): void {
  const xiBytes = <usize>xiStride;
  const rowBytes = <usize>rowStride;
  for (let o = 0; o < Og; o++) {
    const b = bias != 0 ? v128.load32_splat(bias + <usize>o * 4) : f32x4.splat(0);
    const plane = out + <usize>o * <usize>planeBytes;
    for (let q = 0; q < tn; q += WINO_LANES) {
      const first = t0 + q;
      const ty = first / tilesX, tx = first - ty * tilesX;
      const oy0 = ty * WINO_OUT, ox0 = tx * WINO_OUT;
      // Four whole tiles on one row: four vector stores per output row.
      const whole =
        colStep == 1 && q + WINO_LANES <= tn && tx + WINO_LANES <= tilesX && oy0 + WINO_OUT <= Ho && ox0 + WINO_LANES * WINO_OUT <= Wo;
      const src = M + <usize>(o * T + q) * 4;
      // Aᵀ down each column of the 6 × 6 (into 4 × 6), then along each of the four rows.
      for (let k = 0; k < WINO_PATCH; k++) outputLine(src + <usize>k * xiBytes, 6 * xiBytes, scratch + <usize>k * 16, 96);
      for (let i = 0; i < WINO_OUT; i++) {
        // Aᵀ along row i, kept in registers (the outputLine sums, plus the bias).
        const z = scratch + <usize>(i * 6) * 16;
        const m0 = v128.load(z), m1 = v128.load(z, 16), m2 = v128.load(z, 32), m3 = v128.load(z, 48), m4 = v128.load(z, 64), m5 = v128.load(z, 80);
        const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
        const y0 = f32x4.add(f32x4.add(m0, f32x4.add(s12, s34)), b);
        const y1 = f32x4.add(madd(f32x4.splat(2), d34, d12), b);
        const y2 = f32x4.add(madd(f32x4.splat(4), s34, s12), b);
        const y3 = f32x4.add(madd(f32x4.splat(8), d34, f32x4.add(d12, m5)), b);
        // Lanes are tiles: transpose so each vector is one tile's row of four outputs.
        const lo01 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5);
        const hi01 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
        const rows0 = v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5), rows1 = v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7);
        const rows2 = v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), rows3 = v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7);
        if (whole) {
          const dst = plane + <usize>(oy0 + i) * rowBytes + <usize>ox0 * 4;
          v128.store(dst, rows0); v128.store(dst, rows1, 16); v128.store(dst, rows2, 32); v128.store(dst, rows3, 48);
        } else {
          v128.store(scratch, rows0, 24 * 16); v128.store(scratch, rows1, 25 * 16);
          v128.store(scratch, rows2, 26 * 16); v128.store(scratch, rows3, 27 * 16);
          storeTileRows(plane, rowBytes, colStep, Ho, Wo, tilesX, t0 + q, min(WINO_LANES, tn - q), i, scratch + 24 * 16);
        }
      }
    }
  }
}

/**
 * Writes row i of `count` tiles from `first` (one tile's four outputs per vector at `rows`), clipped to
 * the Ho × Wo plane: for tiles on the output's bottom or right edge, or runs that wrap a tile row.
 */
function storeTileRows(
  plane: usize, rowBytes: usize, colStep: i32, Ho: i32, Wo: i32, tilesX: i32, first: i32, count: i32, i: i32, rows: usize,
): void {
  for (let l = 0; l < count; l++) {
    const t = first + l;
    const ty = t / tilesX, tx = t - ty * tilesX;
    const oy = ty * WINO_OUT + i, ox = tx * WINO_OUT;
    if (oy >= Ho) continue;
    const dst = plane + <usize>oy * rowBytes + <usize>(ox * colStep) * 4;
    const cells = min(WINO_OUT, Wo - ox);
    if (colStep == 1) memory.copy(dst, rows + <usize>l * 16, <usize>cells * 4);
    else for (let m = 0; m < cells; m++) store<f32>(dst + <usize>(m * colStep) * 4, load<f32>(rows + <usize>(l * 4 + m) * 4));
  }
}

/**
 * Whether every one of n floats at `data` is at most `bound` in magnitude — false for an infinity or
 * a NaN (a comparison with NaN is false). Winograd mixes the cells of a patch before it multiplies,
 * so an infinity or a NaN would spread over a whole output tile: the host runs it only on operands
 * this accepts. Three instructions per four floats (abs, compare, and).
 */
export function withinMagnitude(data: usize, n: i32, bound: f32): bool {
  const limit = f32x4.splat(bound);
  let ok = i32x4.splat(-1);
  let i = 0;
  for (; i + 4 <= n; i += 4) ok = v128.and(ok, f32x4.le(f32x4.abs(v128.load(data + <usize>i * 4)), limit));
  if (!i32x4.all_true(ok)) return false;
  for (; i < n; i++) if (!(abs(load<f32>(data + <usize>i * 4)) <= bound)) return false;
  return true;
}

/** Whether n floats at a and at b are the same bit for bit (16 bytes a step). */
export function sameBits(a: usize, b: usize, n: i32): bool {
  const bytes = <usize>n * 4;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) if (v128.any_true(v128.xor(v128.load(a + i), v128.load(b + i)))) return false;
  for (; i < bytes; i += 4) if (load<u32>(a + i) != load<u32>(b + i)) return false;
  return true;
}
