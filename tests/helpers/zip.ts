/**
 * Minimal zip and PNG readers for tests, written independently of manifest/build.ts so that
 * the package is checked by code that did not write it (own CRC-32, all PNG filter types).
 */
import { inflateRawSync, inflateSync } from 'node:zlib';

/** CRC-32 (ISO-HDLC), bit by bit: slow but obviously right. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** The uncompressed bytes. */
  data: Buffer;
  /** CRC-32 of `data`, computed here. */
  actualCrc32: number;
}

/** Reads every entry of a zip through its central directory, cross-checking local headers. */
export function readZip(zip: Buffer): ZipEntry[] {
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the end.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (zip.readUInt16LE(eocd + 8) !== count) throw new Error('zip: multi-disk archives are not supported');
  if (cdOffset + cdSize !== eocd) throw new Error('zip: central directory does not end where the end record starts');

  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip: bad central directory header at ${p}`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localHeaderOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;

    const l = localHeaderOffset;
    if (zip.readUInt32LE(l) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    if (flags & 0x8) throw new Error(`zip: ${name} uses a data descriptor (not expected here)`);
    const localName = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', l + 30, l + 30 + zip.readUInt16LE(l + 26));
    if (localName !== name) throw new Error(`zip: local name ${localName} differs from central ${name}`);
    if (zip.readUInt16LE(l + 8) !== method || zip.readUInt32LE(l + 14) !== crc || zip.readUInt32LE(l + 18) !== compressedSize || zip.readUInt32LE(l + 22) !== size) {
      throw new Error(`zip: local header of ${name} disagrees with the central directory`);
    }
    const start = l + 30 + zip.readUInt16LE(l + 26) + zip.readUInt16LE(l + 28);
    const raw = zip.subarray(start, start + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`zip: ${name} uses unsupported method ${method}`);
    if (data.length !== size) throw new Error(`zip: ${name} is ${data.length} bytes, header says ${size}`);
    entries.push({ name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset, data, actualCrc32: crc32(data) });
  }
  if (p !== cdOffset + cdSize) throw new Error('zip: central directory size does not match its entries');
  return entries;
}

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
