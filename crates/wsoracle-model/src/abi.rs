//! The C shapes of the calls' buffer arguments: an input pointer, an output buffer, an `int *`
//! or `DWORD *`. Shared by setsockopt/getsockopt and WSAIoctl, so neither imports the other.

/// An input pointer as the caller passes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InBuf<'a> {
    /// A NULL pointer.
    Null,
    /// A pointer outside the caller's address space (e.g. an integer passed as a pointer).
    BadPointer,
    /// Valid memory: exactly these bytes are readable.
    Bytes(&'a [u8]),
}

/// An output buffer as the caller passes it.
#[derive(Debug, PartialEq, Eq)]
pub enum OutBuf<'a> {
    Null,
    BadPointer,
    /// Valid memory: exactly these bytes are writable.
    Bytes(&'a mut [u8]),
}

/// An `int *` (optlen) or `DWORD *` argument as the caller passes it.
#[derive(Debug, PartialEq, Eq)]
pub enum IntPtr<'a, T> {
    Null,
    BadPointer,
    Value(&'a mut T),
}

impl OutBuf<'_> {
    /// What a decision may know of the buffer: its kind and size, never its contents.
    pub(crate) fn view(&self) -> Mem {
        match self {
            OutBuf::Null => Mem::Null,
            OutBuf::BadPointer => Mem::Bad,
            OutBuf::Bytes(b) => Mem::Valid(b.len()),
        }
    }
}

/// What a decision may know about a caller's buffer: its kind and size, never its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mem {
    Null,
    Bad,
    Valid(usize),
}

/// The first `n` bytes of `b` (n ≤ 4) as a little-endian integer.
pub(crate) fn le_prefix(b: &[u8], n: usize) -> u32 {
    b.iter()
        .take(n.min(4))
        .enumerate()
        .fold(0u32, |acc, (i, byte)| acc | (u32::from(*byte) << (8 * i)))
}

/// An optlen that asks to read past the memory the caller gave: a bad address (assumption A05).
pub(crate) fn past_buffer(optval: InBuf<'_>, optlen: i32) -> bool {
    matches!(optval, InBuf::Bytes(b) if optlen > 0 && optlen as usize > b.len())
}
