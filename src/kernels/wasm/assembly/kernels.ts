// convlab's WebAssembly SIMD128 kernels, in AssemblyScript. Compiled by scripts/build-wasm.mjs into
// src/kernels/wasm/generated/ (one module per SIMD flavour: plain SIMD128, and relaxed SIMD with
// fused multiply-add). Every pointer is a byte offset into the (shared) memory the host imports;
// every array is float32 in C order. The host (src/kernels/wasm/engine.ts) lays the buffers out.

/** Micro-kernel tile: MR output channels × NR output pixels (NR = two f32x4 vectors). */
const MR: i32 = 4;
const NR: i32 = 8;

/** a·b + c: one fused instruction with relaxed SIMD, a multiply and an add without. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * im2col for one group and a run of output pixels: row k = (c, ky, kx) of `col` holds, for each
 * output pixel p in [p0, p0 + pn), the input cell that tap k of pixel p reads (zero outside the
 * input). Columns pn .. ldc−1 are zeroed up to the next multiple of NR, so the GEMM can read whole tiles.
 *
 *   iy = oy·sH − padT + ky·dH,  ix = ox·sW − padL + kx·dW,  p = oy·Wo + ox
 */
export function im2col(
  input: usize, C: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  padT: i32, padL: i32, Wo: i32, p0: i32, pn: i32, col: usize, ldc: i32,
): void {
  const pnPadded = (pn + NR - 1) / NR * NR;
  let row = col;
  const oyStart = p0 / Wo;
  const oxStart = p0 - oyStart * Wo;
  for (let c = 0; c < C; c++) {
    const plane = input + <usize>(c * H * W) * 4;
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        let oy = oyStart;
        let ox = oxStart;
        let j = 0;
        while (j < pn) {
          // One output row segment at a time: iy is fixed along it.
          const iy = oy * sH - padT + ky * dH;
          const run = min(Wo - ox, pn - j);
          const dst = row + <usize>j * 4;
          if (<u32>iy >= <u32>H) {
            memory.fill(dst, 0, <usize>run * 4);
          } else {
            const src = plane + <usize>(iy * W) * 4;
            let ix = ox * sW - padL + kx * dW;
            for (let t = 0; t < run; t++) {
              store<f32>(dst + <usize>t * 4, <u32>ix < <u32>W ? load<f32>(src + <usize>ix * 4) : 0);
              ix += sW;
            }
          }
          j += run;
          ox = 0;
          oy++;
        }
        if (pnPadded > pn) memory.fill(row + <usize>pn * 4, 0, <usize>(pnPadded - pn) * 4);
        row += <usize>ldc * 4;
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
  for (let m0 = 0; m0 < M; m0 += MR) {
    for (let k = 0; k < K; k++) {
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
 * matrix product, weights (M × K, packed) times the im2col matrix (K × N, row stride ldb, zero-padded
 * to a multiple of NR). `out` has row stride ldo. bias = 0 means none. `tail` is scratch for the
 * last, partial tile (MR·NR floats).
 *
 * Register blocking: an MR × NR tile of the output lives in 8 f32x4 accumulators while k runs; each
 * step loads two vectors of B and broadcasts four weights: 8 multiply-adds for 6 loads.
 */
export function gemm(
  packed: usize, B: usize, ldb: i32, out: usize, ldo: i32, M: i32, N: i32, K: i32, bias: usize, tail: usize,
): void {
  const rowBytes = <usize>ldb * 4;
  for (let n0 = 0; n0 < N; n0 += NR) {
    let panel = packed;
    for (let m0 = 0; m0 < M; m0 += MR) {
      let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      if (bias != 0) {
        c00 = v128.load32_splat(bias + <usize>m0 * 4); c01 = c00;
        if (m0 + 1 < M) { c10 = v128.load32_splat(bias + <usize>m0 * 4, 4); c11 = c10; }
        if (m0 + 2 < M) { c20 = v128.load32_splat(bias + <usize>m0 * 4, 8); c21 = c20; }
        if (m0 + 3 < M) { c30 = v128.load32_splat(bias + <usize>m0 * 4, 12); c31 = c30; }
      }
      let a = panel;
      let b = B + <usize>n0 * 4;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(b);
        const b1 = v128.load(b, 16);
        const a0 = v128.load32_splat(a);
        c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
        const a1 = v128.load32_splat(a, 4);
        c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
        const a2 = v128.load32_splat(a, 8);
        c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
        const a3 = v128.load32_splat(a, 12);
        c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
        a += 16;
        b += rowBytes;
      }
      panel = a;
      const rows = min(MR, M - m0);
      const cols = min(NR, N - n0);
      let dst = out + (<usize>m0 * ldo + n0) * 4;
      const dstRow = <usize>ldo * 4;
      if (cols == NR) {
        v128.store(dst, c00); v128.store(dst, c01, 16);
        if (rows > 1) { dst += dstRow; v128.store(dst, c10); v128.store(dst, c11, 16); }
        if (rows > 2) { dst += dstRow; v128.store(dst, c20); v128.store(dst, c21, 16); }
        if (rows > 3) { dst += dstRow; v128.store(dst, c30); v128.store(dst, c31, 16); }
      } else {
        v128.store(tail, c00); v128.store(tail, c01, 16);
        v128.store(tail, c10, 32); v128.store(tail, c11, 48);
        v128.store(tail, c20, 64); v128.store(tail, c21, 80);
        v128.store(tail, c30, 96); v128.store(tail, c31, 112);
        for (let r = 0; r < rows; r++) {
          memory.copy(dst + <usize>r * dstRow, tail + <usize>(r * NR) * 4, <usize>cols * 4);
        }
      }
    }
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
