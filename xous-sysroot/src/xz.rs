//! xz streams, both directions: the producer writes multi-block streams (fixed block size,
//! so the bytes do not depend on the number of encoder threads) and the installer decodes
//! them on every core within a memory budget. Single-block streams (rust-lang's archives,
//! older dist roots) decode in one thread through the same decoder.

use std::io::{BufReader, Read};

use liblzma::stream::MtStreamBuilder;

/// Uncompressed bytes per block the producer writes: large enough that the size cost against a
/// single block stays near 1 % on a libstd (docs/benchmarks.md), small enough that a libstd makes
/// many blocks for the decoder's threads. Changing it changes every archive's bytes.
#[cfg(feature = "producer")]
pub const BLOCK_SIZE: u64 = 8 << 20;

/// The producer's xz preset (preset 6: an 8 MiB dictionary).
#[cfg(feature = "producer")]
const PRESET: u32 = 6;

/// The most decoder threads, whatever the number of cores.
const MAX_DECODER_THREADS: u32 = 4;

/// What the decoder may allocate while decoding blocks in parallel (each thread holds a
/// block's input and output and a dictionary). Past it liblzma uses fewer threads, down to
/// one, so the installing process stays within 64 MiB of resident memory.
const DECODER_THREADING_MEMORY: u64 = 40 << 20;

/// Bytes read from the source per decoder call.
const INPUT_BUFFER: usize = 64 * 1024;

/// A reader of the decompressed bytes of the one xz stream `reader` holds: multi-threaded
/// when its blocks record their sizes (the producer's), single-threaded otherwise. Its
/// integrity check and end are verified when it is read to the end.
pub fn decoder<R: Read>(reader: R) -> liblzma::bufread::XzDecoder<BufReader<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_DECODER_THREADS as usize) as u32;
    let stream = MtStreamBuilder::new()
        .threads(threads)
        .timeout_ms(0)
        .memlimit_threading(DECODER_THREADING_MEMORY)
        // As before the switch: no hard cap, the archive's limits bound what is written.
        .memlimit_stop(u64::MAX)
        .decoder()
        .expect("valid decoder options (1 to 4 threads, no flags)");
    liblzma::bufread::XzDecoder::new_stream(BufReader::with_capacity(INPUT_BUFFER, reader), stream)
}

/// A writer that compresses into `out` as multi-block xz ([`BLOCK_SIZE`], preset 6, CRC64)
/// with `threads` encoder threads; the bytes are the same for any number of threads. Call
/// `finish` to write the stream's end.
#[cfg(feature = "producer")]
pub fn encoder<W: std::io::Write>(
    out: W,
    threads: u32,
) -> std::io::Result<liblzma::write::XzEncoder<W>> {
    let stream = MtStreamBuilder::new()
        .threads(threads.max(1))
        .block_size(BLOCK_SIZE)
        .preset(PRESET)
        .check(liblzma::stream::Check::Crc64)
        .timeout_ms(0)
        .encoder()?;
    Ok(liblzma::write::XzEncoder::new_stream(out, stream))
}

#[cfg(test)]
mod tests;
