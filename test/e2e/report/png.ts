import { PNG } from 'pngjs';

/** A decoded PNG: its size and its pixels as RGBA bytes. */
export interface Png {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** Decodes a PNG (a browser screenshot) with pngjs. */
export function decodePng(file: Uint8Array): Png {
  const png = PNG.sync.read(Buffer.from(file));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

/** How many distinct colours the image has. */
export function distinctColours(png: Png): number {
  const colours = new Set<number>();
  const view = new DataView(png.rgba.buffer, png.rgba.byteOffset, png.rgba.byteLength);
  for (let at = 0; at < png.rgba.length; at += 4) colours.add(view.getUint32(at));
  return colours.size;
}
