// Draws Wattboard's icons (a lightning bolt on the app's accent colour) into PNG files: the
// native icon, adaptive icon layers, splash, favicon and the web app's manifest icons. Drawn in
// code (no image tool needed); run `node scripts/make-icons.mjs` after changing the design.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BACKGROUND = [0x0b, 0x0f, 0x14, 255]; // the dark theme's background
const BOLT = [0xf5, 0xb7, 0x00, 255]; // solar yellow
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];
// The bolt in a unit square, clockwise.
const bolt = [
  [0.58, 0.06],
  [0.22, 0.56],
  [0.47, 0.56],
  [0.4, 0.94],
  [0.78, 0.4],
  [0.53, 0.4],
].map(([x, y]) => [x, y]);

function inside(poly, x, y) {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** size px; the bolt fills `scale` of it; `round` rounds the background's corners (0 = square). */
function draw(size, { background, color, scale, round = 0 }) {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4; // 4×4 supersampling smooths the edges
  const radius = round * size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let boltHits = 0;
      let bgHits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = px + (sx + 0.5) / samples;
          const y = py + (sy + 0.5) / samples;
          const u = (x / size - 0.5) / scale + 0.5;
          const v = (y / size - 0.5) / scale + 0.5;
          if (inside(bolt, u, v)) boltHits++;
          const cx = Math.min(Math.max(x, radius), size - radius);
          const cy = Math.min(Math.max(y, radius), size - radius);
          if ((x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2) bgHits++;
        }
      }
      const n = samples * samples;
      const a = boltHits / n;
      const b = background[3] === 0 ? 0 : bgHits / n;
      const out = [0, 0, 0, 0];
      // Bolt over background, straight alpha.
      const alpha = a + b * (1 - a);
      for (let c = 0; c < 3; c++) {
        out[c] = alpha === 0 ? 0 : (color[c] * a + background[c] * b * (1 - a)) / alpha;
      }
      out[3] = alpha * 255;
      pixels.set(out.map(Math.round), (py * size + px) * 4);
    }
  }
  return png(size, pixels);
}

function png(size, rgba) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++)
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// Maskable and adaptive icons keep the bolt inside the central safe circle (80 % / 66 %).
const files = {
  'assets/icon.png': [1024, { background: BACKGROUND, color: BOLT, scale: 0.8 }],
  'assets/android-icon-foreground.png': [512, { background: CLEAR, color: BOLT, scale: 0.55 }],
  'assets/android-icon-background.png': [512, { background: BACKGROUND, color: BOLT, scale: 0 }],
  'assets/android-icon-monochrome.png': [432, { background: CLEAR, color: WHITE, scale: 0.55 }],
  'assets/splash-icon.png': [1024, { background: CLEAR, color: BOLT, scale: 0.8 }],
  'assets/favicon.png': [48, { background: BACKGROUND, color: BOLT, scale: 0.85, round: 0.2 }],
  'public/icons/icon-192.png': [
    192,
    { background: BACKGROUND, color: BOLT, scale: 0.8, round: 0.2 },
  ],
  'public/icons/icon-512.png': [
    512,
    { background: BACKGROUND, color: BOLT, scale: 0.8, round: 0.2 },
  ],
  'public/icons/maskable-512.png': [512, { background: BACKGROUND, color: BOLT, scale: 0.6 }],
  'public/icons/apple-touch-icon.png': [180, { background: BACKGROUND, color: BOLT, scale: 0.75 }],
};
for (const [file, [size, options]] of Object.entries(files)) {
  writeFileSync(join(root, file), draw(size, options));
  console.log(`${file} ${size}×${size}`);
}
