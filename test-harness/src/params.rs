//! The application parameter block libstd reads at startup (`AppP` with `ArgL` and
//! `EnvB` entries; see `library/std/src/sys/pal/xous/params.rs`).

use crate::HarnessError;

/// Encodes `args` (the first is the program name) and `env` as a parameter block.
pub fn encode(args: &[String], env: &[(String, String)]) -> Result<Vec<u8>, HarnessError> {
    let mut argl = Vec::new();
    push_count(&mut argl, args.len(), "arguments")?;
    for a in args {
        push_str(&mut argl, a)?;
    }
    let mut envb = Vec::new();
    push_count(&mut envb, env.len(), "environment variables")?;
    for (k, v) in env {
        push_str(&mut envb, k)?;
        push_str(&mut envb, v)?;
    }
    let mut body = Vec::new();
    push_entry(&mut body, b"ArgL", &argl);
    push_entry(&mut body, b"EnvB", &envb);
    // The header is itself an entry: magic, its size (8), total length, entry count.
    let total = 16 + body.len();
    let mut block = Vec::with_capacity(total);
    block.extend_from_slice(b"AppP");
    block.extend_from_slice(&8u32.to_le_bytes());
    block.extend_from_slice(&(total as u32).to_le_bytes());
    block.extend_from_slice(&2u32.to_le_bytes());
    block.extend_from_slice(&body);
    Ok(block)
}

fn push_entry(out: &mut Vec<u8>, magic: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(magic);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
}

fn push_count(out: &mut Vec<u8>, n: usize, what: &str) -> Result<(), HarnessError> {
    let n = u16::try_from(n)
        .map_err(|_| HarnessError::Parameters(format!("too many {what}: {n} (at most 65535)")))?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

fn push_str(out: &mut Vec<u8>, s: &str) -> Result<(), HarnessError> {
    let len = u16::try_from(s.len()).map_err(|_| {
        HarnessError::Parameters(format!(
            "an argument or variable is {} bytes long (at most 65535)",
            s.len()
        ))
    })?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_layout_matches_what_libstd_parses() {
        let block = encode(&["fw".into()], &[("K".into(), "vv".into())]).unwrap();
        let expected: &[u8] = b"AppP\x08\0\0\0\x2f\0\0\0\x02\0\0\0\
            ArgL\x06\0\0\0\x01\0\x02\0fw\
            EnvB\x09\0\0\0\x01\0\x01\0K\x02\0vv";
        assert_eq!(block, expected);
        assert_eq!(block.len(), 0x2f);
    }

    #[test]
    fn oversized_argument_is_refused() {
        let err = encode(&["x".repeat(70_000)], &[]).unwrap_err();
        assert!(err.to_string().contains("70000 bytes"), "{err}");
    }
}
