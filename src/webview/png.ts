/**
 * A PNG written band by band: the caller hands in RGBA rows from canvases of a bounded height, and
 * the image may be taller than any canvas the browser allows (a canvas over its size limit is
 * silently blank, and `toDataURL` then returns "data:,"). Rows are stored as RGB with the "up"
 * filter (lanes repeat row after row, so most filtered rows are zeros) and compressed with the
 * browser's own zlib stream (`CompressionStream('deflate')` is the zlib format PNG's IDAT needs).
 * No DOM: runs in Node too, for tests.
 */

const SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
/** IDAT payload per chunk; any size is valid, moderate chunks suit streaming readers. */
const IDAT_CHUNK = 1 << 20;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc;
}

function chunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0);
  return out;
}

export class PngWriter {
  private readonly writer: WritableStreamDefaultWriter<BufferSource>;
  private readonly compressed: Promise<ArrayBuffer>;
  /** The last row written, as RGBA words; zeros (black) above the first row, as the filter wants. */
  private readonly lastWords: Uint32Array;
  private rows = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!(width > 0 && height > 0 && width < 2 ** 31 && height < 2 ** 31)) throw new Error(`bad PNG size ${width}×${height}`);
    const stream = new CompressionStream('deflate');
    this.writer = stream.writable.getWriter();
    // Read while writing, so the stream never stalls on a full queue.
    this.compressed = new Response(stream.readable).arrayBuffer();
    this.lastWords = new Uint32Array(width);
  }

  /** Appends `count` rows of RGBA pixels (`width` × `count`, as from getImageData); alpha is dropped. */
  async addRows(rgba: Uint8ClampedArray | Uint8Array, count: number): Promise<void> {
    if (this.rows + count > this.height) throw new Error('more PNG rows than the header says');
    if (rgba.byteOffset % 4 || rgba.length < this.width * count * 4) throw new Error('PNG rows: expected aligned RGBA data');
    const width = this.width;
    const stride = 1 + width * 3;
    // Zero-filled: pixels equal to the one above stay zeros under the "up" filter, so only changed
    // pixels are written (one 32-bit compare each; lanes repeat row after row).
    const out = new Uint8Array(stride * count);
    const words = new Uint32Array(rgba.buffer, rgba.byteOffset, width * count);
    let above = this.lastWords;
    for (let y = 0; y < count; y++) {
      const w0 = y * width;
      let o = y * stride;
      out[o++] = 2; // filter "up": each byte minus the one above; the image's first row has zeros above it
      for (let x = 0; x < width; x++, o += 3) {
        const w = words[w0 + x];
        const a = above[x];
        if (w === a) continue;
        // Little-endian RGBA words: red in the low byte.
        out[o] = (w - a) & 0xff;
        out[o + 1] = ((w >>> 8) - (a >>> 8)) & 0xff;
        out[o + 2] = ((w >>> 16) - (a >>> 16)) & 0xff;
      }
      above = words.subarray(w0, w0 + width);
    }
    this.lastWords.set(above);
    this.rows += count;
    await this.writer.write(out);
  }

  /** The finished file. Throws when fewer rows arrived than the header promised. */
  async finish(): Promise<Blob> {
    if (this.rows !== this.height) throw new Error(`PNG has ${this.rows} of ${this.height} rows`);
    await this.writer.close();
    const data = new Uint8Array(await this.compressed);
    const header = new Uint8Array(13);
    const view = new DataView(header.buffer);
    view.setUint32(0, this.width);
    view.setUint32(4, this.height);
    header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, adaptive filters, no interlace
    const parts: Uint8Array<ArrayBuffer>[] = [SIGNATURE, chunk('IHDR', header)];
    for (let at = 0; at < data.length; at += IDAT_CHUNK) parts.push(chunk('IDAT', data.subarray(at, at + IDAT_CHUNK)));
    parts.push(chunk('IEND', new Uint8Array(0)));
    return new Blob(parts, { type: 'image/png' });
  }

  /** Gives up: releases the compressor. */
  async abort(): Promise<void> {
    await this.writer.abort().catch(() => undefined);
    await this.compressed.catch(() => undefined);
  }
}

/** A blob as base64 (no data-URL prefix), without building a string per byte. */
export async function blobBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let out = '';
  // 3-byte aligned pieces encode independently, so their base64 texts concatenate.
  const piece = 3 * 8192;
  for (let i = 0; i < bytes.length; i += piece) out += btoa(String.fromCharCode(...bytes.subarray(i, i + piece)));
  return out;
}
