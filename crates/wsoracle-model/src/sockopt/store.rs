//! Per-socket option values, outside the hot socket record: one [`OptionValues`] per table slot
//! of the stack, kept beside the `Socket` records and reset when the slot is freed.
//!
//! An option's descriptor names its place ([`Slot`]); `table.rs` checks that no two options
//! share one. A value that was never set reads as the option's default.

/// Where an option's per-socket value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Nothing to store (computed, simulated in the socket record, or set-only).
    None,
    /// One bit of `flags` (a BOOL).
    Flag(u8),
    /// One 32-bit word of `words`.
    Word(u8),
}

/// How many words the store has. Raise it when an option needs another.
pub const WORDS: usize = 22;

/// One multicast membership (IP_ADD_MEMBERSHIP, IPV6_ADD_MEMBERSHIP): the group and the
/// interface as the caller gave them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Group {
    pub v6: bool,
    /// The group address in network byte order (IPv4 in the first four bytes).
    pub addr: [u8; 16],
    /// `imr_interface` (network order) or `ipv6mr_interface`, as four little-endian bytes.
    pub iface: u32,
}

/// How many memberships a socket's record keeps; a join beyond them is not modelled.
pub const GROUPS: usize = 4;

/// The option values of one socket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OptionValues {
    flags: u32,
    flags_set: u32,
    words: [u32; WORDS],
    words_set: u32,
    /// The multicast groups joined, in join order.
    groups: [Option<Group>; GROUPS],
    /// When the connection was established (ms), for SO_CONNECT_TIME; `None` before.
    pub(crate) connected_at: Option<u64>,
    /// When a pending blocking recv times out (ms), set from SO_RCVTIMEO when it goes pending.
    pub(crate) recv_deadline: Option<u64>,
}

const _: () = assert!(WORDS <= 32, "words_set is a u32");

impl OptionValues {
    pub const EMPTY: OptionValues = OptionValues {
        flags: 0,
        flags_set: 0,
        words: [0; WORDS],
        words_set: 0,
        groups: [None; GROUPS],
        connected_at: None,
        recv_deadline: None,
    };

    /// The socket joined `g` (same family, group and interface).
    pub fn is_member(&self, g: &Group) -> bool {
        self.groups.iter().flatten().any(|m| m == g)
    }

    /// A membership can be added.
    pub fn has_room(&self) -> bool {
        self.groups.iter().any(Option::is_none)
    }

    pub(crate) fn join(&mut self, g: Group) {
        if let Some(free) = self.groups.iter_mut().find(|m| m.is_none()) {
            *free = Some(g);
        }
    }

    pub(crate) fn leave(&mut self, g: &Group) {
        for m in self.groups.iter_mut() {
            if m.as_ref() == Some(g) {
                *m = None;
            }
        }
    }

    /// The value set on this socket, if any.
    pub fn get(&self, slot: Slot) -> Option<u32> {
        match slot {
            Slot::None => None,
            Slot::Flag(b) => {
                let bit = 1u32 << (b % 32);
                (self.flags_set & bit != 0).then_some(u32::from(self.flags & bit != 0))
            }
            Slot::Word(w) => {
                let i = usize::from(w) % WORDS;
                (self.words_set & (1 << i) != 0).then_some(self.words[i])
            }
        }
    }

    /// The values with their instants made relative to `now`, for exploration's canonical
    /// states: SO_CONNECT_TIME's instant reduced to "connected" (its value grows with time, its
    /// rule does not change), a pending recv's deadline to the time left.
    pub fn relative_to(&self, now: u64) -> OptionValues {
        OptionValues {
            connected_at: self.connected_at.map(|_| 0),
            recv_deadline: self.recv_deadline.map(|d| d.saturating_sub(now)),
            ..*self
        }
    }

    /// When a pending blocking recv times out (ms on the stack's clock), if one waits.
    pub fn recv_deadline(&self) -> Option<u64> {
        self.recv_deadline
    }

    pub fn set(&mut self, slot: Slot, value: u32) {
        match slot {
            Slot::None => {}
            Slot::Flag(b) => {
                let bit = 1u32 << (b % 32);
                self.flags_set |= bit;
                if value != 0 {
                    self.flags |= bit;
                } else {
                    self.flags &= !bit;
                }
            }
            Slot::Word(w) => {
                let i = usize::from(w) % WORDS;
                self.words_set |= 1 << i;
                self.words[i] = value;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_values_read_as_none_and_set_ones_round_trip() {
        let mut v = OptionValues::EMPTY;
        assert_eq!(v.get(Slot::Flag(3)), None);
        assert_eq!(v.get(Slot::Word(2)), None);
        v.set(Slot::Flag(3), 0x100);
        v.set(Slot::Word(2), 0xdead_beef);
        assert_eq!(v.get(Slot::Flag(3)), Some(1));
        assert_eq!(v.get(Slot::Word(2)), Some(0xdead_beef));
        v.set(Slot::Flag(3), 0);
        assert_eq!(v.get(Slot::Flag(3)), Some(0));
        assert_eq!(v.get(Slot::Flag(4)), None);
        assert_eq!(v.get(Slot::None), None);
    }
}
