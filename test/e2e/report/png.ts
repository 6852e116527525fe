import { inflateSync } from 'node:zlib';

/** A decoded PNG: its size and its pixels as RGBA bytes. */
export interface Png {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Bytes per pixel of the 8-bit colour types a browser screenshot uses: RGB (2) and RGBA (6). */
const CHANNELS: Record<number, number> = { 2: 3, 6: 4 };

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are); anything else is refused. */
export function decodePng(file: Uint8Array): Png {
  const bytes = Buffer.from(file);
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: the signature is missing');
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = CHANNELS[body[9]!] ?? 0;
      if (body[8] !== 8 || channels === 0 || body[12] !== 0) {
        throw new Error(`unsupported PNG: bit depth ${body[8]}, colour type ${body[9]}, interlace ${body[12]}`);
      }
    } else if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels]! : 0;
      pixels[y * stride + x] = (line[x]! + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  if (channels === 4) return { width, height, rgba: pixels };
  const rgba = new Uint8Array(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    rgba.set(pixels.subarray(pixel * 3, pixel * 3 + 3), pixel * 4);
    rgba[pixel * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const estimate = left + up - upLeft;
      const [toLeft, toUp, toUpLeft] = [left, up, upLeft].map((value) => Math.abs(estimate - value));
      if (toLeft! <= toUp! && toLeft! <= toUpLeft!) return left;
      return toUp! <= toUpLeft! ? up : upLeft;
    }
    default:
      throw new Error(`unsupported PNG filter ${filter}`);
  }
}

/** How many distinct colours the image has. */
export function distinctColours(png: Png): number {
  const colours = new Set<number>();
  const view = new DataView(png.rgba.buffer, png.rgba.byteOffset, png.rgba.byteLength);
  for (let at = 0; at < png.rgba.length; at += 4) colours.add(view.getUint32(at));
  return colours.size;
}
