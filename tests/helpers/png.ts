/**
 * A minimal PNG reader for tests, written independently of the icons' origin: checks the
 * signature and every chunk CRC (node:zlib's crc32) and unfilters 8-bit images (all filter
 * types), so a test can look at the icons' pixels.
 */
import { crc32, inflateSync } from 'node:zlib';

export interface Png {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colourType: number;
  interlace: number;
  chunkTypes: string[];
  /** Unfiltered pixel bytes, row-major (8-bit, non-interlaced images only). */
  pixels: Buffer;
  /** Bytes per pixel of `pixels`. */
  channels: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Parses a PNG, checking the signature and every chunk CRC, and unfilters 8-bit images. */
export function readPng(png: Buffer): Png {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('png: bad signature');
  const chunkTypes: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let p = 8;
  while (p < png.length) {
    const length = png.readUInt32BE(p);
    const type = png.toString('latin1', p + 4, p + 8);
    const data = png.subarray(p + 8, p + 8 + length);
    const crc = png.readUInt32BE(p + 8 + length);
    if (crc32(png.subarray(p + 4, p + 8 + length)) !== crc) throw new Error(`png: bad CRC in ${type}`);
    chunkTypes.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    p += 12 + length;
    if (type === 'IEND') break;
  }
  if (!ihdr || chunkTypes[0] !== 'IHDR') throw new Error('png: IHDR is not the first chunk');
  if (chunkTypes.at(-1) !== 'IEND') throw new Error('png: no IEND');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!;
  const colourType = ihdr[9]!;
  const interlace = ihdr[12]!;
  const channels = CHANNELS[colourType];
  if (channels === undefined) throw new Error(`png: bad colour type ${colourType}`);
  if (bitDepth !== 8 || interlace !== 0) throw new Error('png: only 8-bit, non-interlaced images are decoded');

  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error('png: image data has the wrong length');
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`png: bad filter type ${filter} on row ${y}`);
      }
      pixels[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, bitDepth, colourType, interlace, chunkTypes, pixels, channels };
}
