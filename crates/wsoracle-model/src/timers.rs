//! The timer queue behind `Stack::advance`: `advance` visits only the sockets whose keep-alive
//! does something observable before the new instant, so its cost follows the events, not the
//! number of open sockets.
//!
//! - Each table slot carries a [`SlotTimer`]: nothing scheduled, a live entry in the heap at
//!   `due`, or *periodic*.
//! - The heap holds `(at, slot, epoch)` entries, smallest first, ties broken on the slot (then the
//!   epoch), so the order in which entries come out is a function of the entries alone. An entry
//!   is live while its slot's timer is `At` with the same epoch; every other entry is stale and
//!   is skipped when it comes out (lazy invalidation), or dropped when the heap is compacted.
//! - A slot's entry may fire *earlier* than the socket's next event (when a call pushes the
//!   event later, the entry stays and is re-evaluated when it fires): the invariant is only that
//!   a socket whose next event is at `t` has a live entry at or before `t`.
//! - *Periodic* is a connection whose peer answers every probe and which has no unanswered probe
//!   outstanding: its only future, until a call changes something, is the idle period restarting
//!   every idle time, which nothing observes but `next_keepalive_event`. It has no entry at all;
//!   its `idle_since` is an anchor, rolled forward in closed form when read or before a change
//!   (`timeline::roll_answered`). Answered cycles therefore cost nothing, however many pass.
//!
//! - A call that may change what a socket does next only marks its slot *dirty* and lists it
//!   (`Stack::reschedule`, a few instructions on the hot path of setsockopt); the next `advance`
//!   works the timers of the dirty slots out first (`Stack::refresh_timer`). Time does not move
//!   between the call and that `advance`, so working it out then gives what working it out at
//!   the call would have; `next_keepalive_event` reads a dirty slot correctly as it is.
//!
//! What allocates: a heap push when the heap is full of live entries, a dirty-list push when
//! the list is full. Both are reserved for the table's size when a socket connects (connect,
//! accept and complete_connect allocate anyway), and a full heap is first compacted in place,
//! so the hot calls and `advance` do not allocate (tests/no_alloc.rs).

use core::cmp::Reverse;
use std::collections::BinaryHeap;

/// One heap entry. The field order is the priority order: time, then slot, then epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    pub at: u64,
    pub slot: u32,
    pub epoch: u32,
}

/// What a socket's keep-alive does next, as the queue needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Nothing, until a call changes something.
    Nothing,
    /// Only answered probes, each restarting the idle period (no entry; see the module header).
    Periodic,
    /// Something observable at this instant (a probe, a drop, a completion).
    At(u64),
}

const KIND_MASK: u32 = 0b11;
const NOTHING: u32 = 0;
const PERIODIC: u32 = 1;
const AT: u32 = 2;
const DIRTY: u32 = 0b100;
const EPOCH_SHIFT: u32 = 3;

/// A slot's timer: `word` is `epoch << 3 | dirty << 2 | kind`; `due` is meaningful when the kind
/// is `At`. Dirty: a call changed the socket since its timer was last worked out, and the slot
/// waits in the stack's dirty list. (Packed so that a table slot stays at 80 bytes: 10^6
/// sockets in well under 100 MB.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct SlotTimer {
    word: u32,
    /// `due` in two halves, so that the timer is 12 bytes aligned to 4 and packs beside the
    /// slot's generation.
    due: [u32; 2],
}

impl SlotTimer {
    fn due(self) -> u64 {
        u64::from(self.due[0]) | (u64::from(self.due[1]) << 32)
    }

    fn set_due(&mut self, at: u64) {
        // The two halves of `at`: truncation is the point.
        self.due = [at as u32, (at >> 32) as u32];
    }

    fn kind(self) -> u32 {
        self.word & KIND_MASK
    }

    fn epoch(self) -> u32 {
        self.word >> EPOCH_SHIFT
    }

    pub fn is_dirty(self) -> bool {
        self.word & DIRTY != 0
    }

    pub fn set_dirty(&mut self, dirty: bool) {
        if dirty {
            self.word |= DIRTY;
        } else {
            self.word &= !DIRTY;
        }
    }

    /// Nothing scheduled: no entry, not periodic.
    pub fn is_nothing(self) -> bool {
        self.kind() == NOTHING
    }

    fn set_kind(&mut self, kind: u32) {
        self.word = (self.word & !KIND_MASK) | kind;
    }

    pub fn is_periodic(self) -> bool {
        self.kind() == PERIODIC
    }

    /// Is `e` this slot's live entry?
    pub fn is_live(self, e: &Entry) -> bool {
        self.kind() == AT && self.epoch() == e.epoch
    }

    /// Nothing scheduled and no entry live (a closed slot, a fired timer). The dirty flag
    /// stays: it says whether the slot is in the dirty list, which only the list's draining
    /// changes, so that a slot is listed at most once however often it is closed and reused.
    pub fn clear(&mut self) {
        self.set_kind(NOTHING);
    }
}

/// The min-heap of entries.
#[derive(Debug, Default)]
pub(crate) struct TimerQueue {
    heap: BinaryHeap<Reverse<Entry>>,
}

/// Written out so that `clone_from` keeps the heap's allocation (`Stack::clone_from`).
impl Clone for TimerQueue {
    fn clone(&self) -> Self {
        TimerQueue {
            heap: self.heap.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.heap.clone_from(&source.heap);
    }
}

impl TimerQueue {
    /// Makes room for `entries` entries without allocating again (called where allocating is
    /// allowed: a socket connecting).
    pub fn reserve_total(&mut self, entries: usize) {
        let free = self.heap.capacity() - self.heap.len();
        let want = entries.saturating_sub(self.heap.len());
        if free < want {
            self.heap.reserve(want);
        }
    }

    /// Records what the socket in `slot` does next. Pushes an entry only when the event is
    /// earlier than the live entry's (or there is none); `is_live` tells the live entries apart
    /// when a full heap is compacted.
    pub fn schedule(
        &mut self,
        slot: usize,
        timer: &mut SlotTimer,
        next: Next,
        is_live: impl Fn(&Entry) -> bool,
    ) {
        match next {
            Next::Nothing => timer.set_kind(NOTHING),
            Next::Periodic => timer.set_kind(PERIODIC),
            Next::At(at) => {
                if timer.kind() == AT && timer.due() <= at {
                    return; // the live entry fires first and re-evaluates then
                }
                // 29 bits of epoch: an entry is stale long before its epoch comes round again,
                // as a full heap is compacted (at most twice the table between compactions).
                let epoch = timer.epoch().wrapping_add(1) & (u32::MAX >> EPOCH_SHIFT);
                timer.word = (epoch << EPOCH_SHIFT) | (timer.word & DIRTY) | AT;
                timer.set_due(at);
                if self.heap.len() == self.heap.capacity() {
                    // In place: `retain` does not allocate. Live entries are at most one per
                    // slot that has connected, which the reservation doubles.
                    self.heap.retain(|Reverse(e)| is_live(e));
                }
                self.heap.push(Reverse(Entry {
                    at,
                    // Slot indices fit in u32: the table never has more than u32::MAX slots
                    // (`Stack::insert`).
                    slot: slot as u32,
                    epoch,
                }));
            }
        }
    }

    /// The earliest entry, if it is at or before `to`.
    pub fn peek_due(&self, to: u64) -> Option<Entry> {
        match self.heap.peek() {
            Some(Reverse(e)) if e.at <= to => Some(*e),
            _ => None,
        }
    }

    pub fn pop(&mut self) {
        self.heap.pop();
    }

    /// Entries in the heap, live or stale.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_out_by_time_then_slot() {
        let mut q = TimerQueue::default();
        let mut timers = [SlotTimer::default(); 3];
        for (slot, at) in [(2usize, 5u64), (0, 7), (1, 5)] {
            q.schedule(slot, &mut timers[slot], Next::At(at), |_| true);
        }
        let mut out = Vec::new();
        while let Some(e) = q.peek_due(u64::MAX) {
            q.pop();
            out.push((e.at, e.slot));
        }
        assert_eq!(out, [(5, 1), (5, 2), (7, 0)]);
    }

    #[test]
    fn a_later_event_keeps_the_earlier_entry_and_an_earlier_one_replaces_it() {
        let mut q = TimerQueue::default();
        let mut t = SlotTimer::default();
        q.schedule(0, &mut t, Next::At(10), |_| true);
        q.schedule(0, &mut t, Next::At(20), |_| true);
        assert_eq!(q.len(), 1, "a later event pushes nothing");
        let first = q.peek_due(u64::MAX).unwrap();
        assert!(t.is_live(&first));
        q.schedule(0, &mut t, Next::At(3), |_| true);
        assert_eq!(q.len(), 2);
        let now_first = q.peek_due(u64::MAX).unwrap();
        assert_eq!(now_first.at, 3);
        assert!(t.is_live(&now_first));
        assert!(!t.is_live(&first), "the replaced entry is stale");
        q.schedule(0, &mut t, Next::Periodic, |_| true);
        assert!(t.is_periodic() && !t.is_live(&now_first));
    }

    #[test]
    fn a_full_heap_is_compacted_in_place() {
        let mut q = TimerQueue::default();
        q.reserve_total(4);
        let cap = q.heap.capacity();
        let mut t = SlotTimer::default();
        // Each push is earlier than the last: every older entry goes stale.
        for at in (0..(4 * cap as u64)).rev() {
            let live = t;
            q.schedule(0, &mut t, Next::At(at), |e| live.is_live(e));
        }
        assert_eq!(
            q.heap.capacity(),
            cap,
            "no growth: stale entries were dropped"
        );
        assert_eq!(q.peek_due(u64::MAX).map(|e| e.at), Some(0));
    }
}
