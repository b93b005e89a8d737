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
  let bPanel = B;
  for (let n0 = 0; n0 < N; n0 += NR) {
    let panel = packed;
    for (let m0 = 0; m0 < M; m0 += MR) {
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
      panel = a;
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
    }
    bPanel += <usize>panelBytes;
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
