//! The producer's stream is multi-block and the same bytes for any number of threads; the
//! decoder reads it back, reads single-block streams too, and reports cut and corrupt ones.

use std::io::{Read, Write};

use super::*;

/// The number of blocks in the one xz stream `xz` holds, from its index.
fn block_count(xz: &[u8]) -> u64 {
    let footer = &xz[xz.len() - 12..];
    assert_eq!(&footer[10..], b"YZ", "an xz stream footer");
    let backward = (u32::from_le_bytes(footer[4..8].try_into().unwrap()) as usize + 1) * 4;
    let index = &xz[xz.len() - 12 - backward..];
    assert_eq!(index[0], 0, "an xz index");
    // Number of records: a multibyte integer, 7 bits per byte, least significant first.
    let (mut n, mut shift) = (0u64, 0);
    for &b in &index[1..] {
        n |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    n
}

/// `len` bytes that compress about as well as rlibs: in every 256, 64 from a linear
/// congruential generator, then a run of one byte.
fn library_like(len: usize) -> Vec<u8> {
    let mut x = 1u32;
    (0..len)
        .map(|i| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            if i % 256 < 64 {
                (x >> 24) as u8
            } else {
                (i / 256) as u8
            }
        })
        .collect()
}

fn encode(data: &[u8], threads: u32) -> Vec<u8> {
    let mut enc = encoder(Vec::new(), threads).unwrap();
    // In pieces, as the tar writer hands them over.
    for piece in data.chunks(10_000) {
        enc.write_all(piece).unwrap();
    }
    enc.finish().unwrap()
}

fn decode(xz: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    decoder(xz).read_to_end(&mut out)?;
    Ok(out)
}

#[test]
fn the_encoder_writes_the_same_blocks_whatever_its_threads() {
    let data = library_like(2 * BLOCK_SIZE as usize + 12345);
    let one = encode(&data, 1);
    assert_eq!(
        block_count(&one),
        3,
        "blocks of BLOCK_SIZE uncompressed bytes"
    );
    for threads in [2, 3] {
        assert!(encode(&data, threads) == one, "{threads} threads");
    }
    assert!(decode(&one).unwrap() == data);
}

#[test]
fn single_block_streams_still_decode() {
    // What rust-lang's and older dist roots' archives are: one block, sizes not recorded.
    let data = library_like(3 << 20);
    let mut single = liblzma::write::XzEncoder::new(Vec::new(), 6);
    single.write_all(&data).unwrap();
    let single = single.finish().unwrap();
    assert_eq!(block_count(&single), 1);
    assert!(decode(&single).unwrap() == data);
}

#[test]
fn cut_and_corrupt_streams_fail_to_decode() {
    let data = library_like(BLOCK_SIZE as usize + 4096);
    let xz = encode(&data, 2);
    assert_eq!(block_count(&xz), 2);
    for cut in [xz.len() / 2, xz.len() - 10] {
        assert!(decode(&xz[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = xz.clone();
    let middle = flipped.len() / 3;
    flipped[middle] ^= 0x40;
    assert!(decode(&flipped).is_err(), "a flipped bit");
}
