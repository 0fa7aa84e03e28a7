import { Compressor as ZstdCompressor } from 'zstd-napi';
import binding from 'zstd-napi/binding.js';
import { expectRawBytes, type Compressor } from './compressor.js';

/**
 * zstd through zstd-napi with one reused compression context and one decompression context
 * (context set-up costs more than compressing a 1 KB value). We write exactly one frame with its
 * content size; `decompress` checks both against the envelope before allocating the output once.
 */
export function createZstdCompressor(level: number): Compressor {
  const compressor = new ZstdCompressor();
  compressor.setParameters({ compressionLevel: level, contentSizeFlag: true });
  const dctx = new binding.DCtx();
  return {
    kind: 'zstd',
    compress: (raw) => compressor.compress(raw),
    decompress(packed, rawBytes) {
      if (binding.findFrameCompressedSize(packed) !== packed.length) throw new Error('zstd data is not exactly one frame');
      expectRawBytes('zstd', binding.getFrameContentSize(packed) ?? -1, rawBytes);
      const out = Buffer.allocUnsafe(rawBytes);
      expectRawBytes('zstd', dctx.decompress(out, packed), rawBytes);
      return out;
    },
  };
}
