// Draws the playground's bundled sample picture (web/public/sample.png, 256×256): a small scene with
// smooth gradients, hard edges, stripes and text, so every filter preset has something to show.
// Made by code, so it has no licence question. Run: node scripts/make-sample-image.mjs
import { writeFileSync } from 'node:fs';
import { Canvas } from '@napi-rs/canvas';

const size = 256;
const canvas = new Canvas(size, size);
const ctx = canvas.getContext('2d');
const sky = ctx.createLinearGradient(0, 0, 0, 170);
sky.addColorStop(0, '#1b4f8a');
sky.addColorStop(1, '#f2b880');
ctx.fillStyle = sky;
ctx.fillRect(0, 0, size, 170);
ctx.fillStyle = '#ffd35a';
ctx.beginPath();
ctx.arc(185, 105, 34, 0, Math.PI * 2);
ctx.fill();
ctx.fillStyle = '#2f3e46';
ctx.beginPath();
ctx.moveTo(0, 170);
ctx.lineTo(60, 95);
ctx.lineTo(120, 170);
ctx.closePath();
ctx.fill();
ctx.fillStyle = '#3d5a50';
ctx.beginPath();
ctx.moveTo(70, 170);
ctx.lineTo(140, 110);
ctx.lineTo(215, 170);
ctx.closePath();
ctx.fill();
for (let y = 170; y < size; y += 8) {
  ctx.fillStyle = (y / 8) % 2 ? '#6b4f3a' : '#8c6a4f';
  ctx.fillRect(0, y, size, 8);
}
ctx.strokeStyle = '#f4f1de';
ctx.lineWidth = 3;
for (let x = 20; x < size; x += 36) {
  ctx.beginPath();
  ctx.moveTo(x, 256);
  ctx.lineTo(128 + (x - 128) * 0.3, 175);
  ctx.stroke();
}
ctx.fillStyle = '#ffffff';
ctx.font = 'bold 34px sans-serif';
ctx.fillText('conv', 18, 48);
writeFileSync(new URL('../web/public/sample.png', import.meta.url), canvas.toBuffer('image/png'));
console.log('wrote web/public/sample.png');
