//! A small reader and writer of the rkyv 0.8 archives the Xous name server and
//! ticktimer exchange through `xous-ipc` buffers (`xous-api-names` 0.9.72,
//! `xous-api-ticktimer` 0.9.71: rkyv's defaults, little-endian, aligned, 32-bit
//! relative pointers). The root object sits at the end of the used bytes; the
//! `MemoryMessage`'s `offset` is that length.
//!
//! - A `String` is 8 bytes: up to 8 bytes inline, padded with `0xff`; longer, a length
//!   word (`0b10` in the top bits of its first byte, the length's low 6 bits below,
//!   the rest from bit 8) and an `i32` offset of the bytes from the string itself.
//! - `Option<u32>` is a tag byte (0 none, 1 some) then the value at offset 4.
//! - The name server's `Return` enum is 48 bytes, its tag byte first: 0
//!   `AuthenticateRequest`, 1 `Failure`, 2 `SID([u32; 4])` at 4, 3 `CID((u32,
//!   Option<[u32; 4]>))` (CID at 4, the option's tag at 8, the token at 12), 4 `Success`.

/// Why an archive could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveError {
    /// The used length is shorter than the root object or the data runs past it.
    OutOfBounds,
    /// A string is not UTF-8 or a tag is not one of the type's.
    Invalid,
}

/// Size of an archived `String`.
pub const STRING_LEN: usize = 8;
/// Size of the archived name-server `Registration { name: String, conn_limit: Option<u32> }`.
pub const REGISTRATION_LEN: usize = 16;
/// Size of the archived name-server `Disconnect { name: String, token: [u32; 4] }`.
pub const DISCONNECT_LEN: usize = 24;
/// Size of the archived name-server `Return`.
pub const RETURN_LEN: usize = 48;

fn word(buf: &[u8], at: usize) -> Result<u32, ArchiveError> {
    let b = buf.get(at..at + 4).ok_or(ArchiveError::OutOfBounds)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn root(used: usize, len: usize) -> Result<usize, ArchiveError> {
    used.checked_sub(len).ok_or(ArchiveError::OutOfBounds)
}

/// The bytes of the archived string whose 8-byte representation is at `at`.
pub fn read_string(buf: &[u8], at: usize) -> Result<&str, ArchiveError> {
    let repr = buf
        .get(at..at + STRING_LEN)
        .ok_or(ArchiveError::OutOfBounds)?;
    let bytes = if repr[0] & 0xc0 == 0x80 {
        let v = word(buf, at)?;
        let len = ((v >> 8) << 6 | (v & 0x3f)) as usize;
        let rel = word(buf, at + 4)? as i32 as isize;
        let start = (at as isize)
            .checked_add(rel)
            .filter(|s| *s >= 0)
            .ok_or(ArchiveError::OutOfBounds)? as usize;
        buf.get(start..start + len)
            .ok_or(ArchiveError::OutOfBounds)?
    } else {
        let len = repr.iter().position(|&b| b == 0xff).unwrap_or(STRING_LEN);
        &repr[..len]
    };
    core::str::from_utf8(bytes).map_err(|_| ArchiveError::Invalid)
}

/// A `String` root (the name server's `Lookup`) in the first `used` bytes.
pub fn read_lookup(buf: &[u8], used: usize) -> Result<&str, ArchiveError> {
    read_string(buf, root(used, STRING_LEN)?)
}

/// A `Registration` root: the name and the connection limit.
pub fn read_registration(buf: &[u8], used: usize) -> Result<(&str, Option<u32>), ArchiveError> {
    let at = root(used, REGISTRATION_LEN)?;
    let name = read_string(buf, at)?;
    let limit = match buf.get(at + 8) {
        Some(0) => None,
        Some(1) => Some(word(buf, at + 12)?),
        Some(_) => return Err(ArchiveError::Invalid),
        None => return Err(ArchiveError::OutOfBounds),
    };
    Ok((name, limit))
}

/// A `Disconnect` root: the name and the token.
pub fn read_disconnect(buf: &[u8], used: usize) -> Result<(&str, [u32; 4]), ArchiveError> {
    let at = root(used, DISCONNECT_LEN)?;
    let name = read_string(buf, at)?;
    let mut token = [0; 4];
    for (i, t) in token.iter_mut().enumerate() {
        *t = word(buf, at + 8 + 4 * i)?;
    }
    Ok((name, token))
}

/// The name server's answers this kernel gives (`api::Return` without
/// `AuthenticateRequest`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Return {
    /// `Return::Failure`.
    Failure,
    /// `Return::SID`: the new server's id.
    Sid([u32; 4]),
    /// `Return::CID`: a connection, and a disconnect token for one-connection servers.
    Cid(u32, Option<[u32; 4]>),
    /// `Return::Success`.
    Success,
}

fn put(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Writes `ret` as an archive root at the start of `out`; returns the used length.
pub fn write_return(out: &mut [u8; RETURN_LEN], ret: Return) -> usize {
    out.fill(0);
    match ret {
        Return::Failure => out[0] = 1,
        Return::Sid(sid) => {
            out[0] = 2;
            for (i, w) in sid.iter().enumerate() {
                put(out, 4 + 4 * i, *w);
            }
        }
        Return::Cid(cid, token) => {
            out[0] = 3;
            put(out, 4, cid);
            if let Some(token) = token {
                out[8] = 1;
                for (i, w) in token.iter().enumerate() {
                    put(out, 12 + 4 * i, *w);
                }
            }
        }
        Return::Success => out[0] = 4,
    }
    RETURN_LEN
}

/// Writes `s` as a `String` root (the ticktimer's `VersionString`) at the start of
/// `out`; returns the used length, or `None` when `out` is too small.
pub fn write_string(out: &mut [u8], s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.len() <= STRING_LEN {
        let repr = out.get_mut(..STRING_LEN)?;
        repr.fill(0xff);
        repr[..bytes.len()].copy_from_slice(bytes);
        return Some(STRING_LEN);
    }
    let at = (bytes.len() + 3) & !3;
    if out.len() < at + STRING_LEN || bytes.len() >= 1 << 30 {
        return None;
    }
    out[..bytes.len()].copy_from_slice(bytes);
    out[bytes.len()..at].fill(0);
    let len = bytes.len() as u32;
    put(out, at, (len & 0x3f) | 0x80 | ((len & !0x3f) << 2));
    put(out, at + 4, (-(at as i32)) as u32);
    Some(at + STRING_LEN)
}

#[cfg(test)]
mod tests;
