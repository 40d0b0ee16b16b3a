// Draws Rowsmith's icon (a rounded indigo tile holding a 3x3 table whose right column is
// "filling in" in amber) and writes the files the installers need, in plain Node:
//   resources/icons/<N>x<N>.png  16…1024 (Linux takes the folder; 512 is the reference)
//   resources/icons/icon.ico     16, 24, 32, 48, 64 as 32-bit BMP entries, 256 as PNG
//   resources/icons/icon.icns    PNG entries ic07…ic14 (128…1024, including @2x)
// Run `node scripts/make-icons.mjs` after changing the drawing; the files are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources', 'icons');

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Signed distance from (x, y) to a rounded rectangle (negative inside). */
function roundedRect(x, y, rect) {
  const cx = rect.x + rect.w / 2;
  const cy = rect.y + rect.h / 2;
  const qx = Math.abs(x - cx) - rect.w / 2 + rect.r;
  const qy = Math.abs(y - cy) - rect.h / 2 + rect.r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - rect.r;
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** The logo in a 1x1 square: returns [r, g, b, a] (0…1) at a point. */
function shade(x, y) {
  const tile = { x: 0.06, y: 0.06, w: 0.88, h: 0.88, r: 0.2 };
  if (roundedRect(x, y, tile) > 0) return [0, 0, 0, 0];
  // Indigo to violet from the top left to the bottom right.
  let color = mix([0.31, 0.27, 0.9], [0.49, 0.23, 0.93], (x + y) / 2);
  const cell = 0.2;
  const gap = 0.05;
  const start = 0.5 - (3 * cell + 2 * gap) / 2;
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) {
      // The enriched column: two cells filled (amber), the last one still empty (outline).
      const rect = {
        x: start + col * (cell + gap),
        y: start + row * (cell + gap),
        w: cell,
        h: cell * 0.62,
        r: 0.03,
      };
      rect.y += cell * 0.19;
      const d = roundedRect(x, y, rect);
      if (col === 2 && row === 2) {
        if (d <= 0 && d > -0.018) color = [1, 0.75, 0.2];
      } else if (d <= 0) color = col === 2 ? [1, 0.75, 0.2] : [1, 1, 1];
    }
  }
  return [...color, 1];
}

/** RGBA pixels of the logo at size x size, 4x4 supersampled for smooth edges. */
export function renderIcon(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = shade(
            (px + (sx + 0.5) / samples) / size,
            (py + (sy + 0.5) / samples) / size,
          );
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      pixels[i] = a ? Math.round((r / a) * 255) : 0;
      pixels[i + 1] = a ? Math.round((g / a) * 255) : 0;
      pixels[i + 2] = a ? Math.round((b / a) * 255) : 0;
      pixels[i + 3] = Math.round((a / n) * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
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

/** An 8-bit RGBA PNG (colour type 6), each row with filter type 0. */
export function encodePng(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 32-bit BMP icon image: BITMAPINFOHEADER, BGRA rows bottom-up, then the 1-bit AND mask. */
function encodeIcoBitmap(size, pixels) {
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // colour rows plus mask rows
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  const colour = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4;
      colour[to] = pixels[from + 2];
      colour[to + 1] = pixels[from + 1];
      colour[to + 2] = pixels[from];
      colour[to + 3] = pixels[from + 3];
    }
  }
  const maskRow = Math.ceil(size / 32) * 4;
  const mask = Buffer.alloc(maskRow * size); // all 0: the alpha channel decides
  info.writeUInt32LE(colour.length + mask.length, 20);
  return Buffer.concat([info, colour, mask]);
}

/** ICO: a directory of images; BMP for the small sizes (every Windows tool reads them), PNG for 256. */
export function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  const bodies = [];
  let offset = 6 + 16 * images.length;
  for (const { size, data } of images) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    entries.push(entry);
    bodies.push(data);
  }
  return Buffer.concat([header, ...entries, ...bodies]);
}

/** ICNS types that hold a PNG, and the pixel size of each. */
export const ICNS_TYPES = {
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024,
  ic11: 32,
  ic12: 64,
  ic13: 256,
  ic14: 512,
};

export function encodeIcns(pngBySize) {
  const parts = Object.entries(ICNS_TYPES).map(([type, size]) => {
    const png = pngBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

function main() {
  mkdirSync(out, { recursive: true });
  const pixels = new Map(PNG_SIZES.map((size) => [size, renderIcon(size)]));
  const pngs = new Map(PNG_SIZES.map((size) => [size, encodePng(size, pixels.get(size))]));
  for (const [size, png] of pngs) writeFileSync(join(out, `${size}x${size}.png`), png);
  const ico = encodeIco([
    ...[16, 24, 32, 48, 64].map((size) => ({ size, data: encodeIcoBitmap(size, pixels.get(size)) })),
    { size: 256, data: pngs.get(256) },
  ]);
  writeFileSync(join(out, 'icon.ico'), ico);
  writeFileSync(join(out, 'icon.icns'), encodeIcns(pngs));
  console.log(`Icons written to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
