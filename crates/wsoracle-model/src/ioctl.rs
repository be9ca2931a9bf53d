//! `WSAIoctl`, and `SIO_KEEPALIVE_VALS` in particular.
//!
//! Not yet modelled: the timeline work fills this in.

use crate::codes::IoctlCode;
use crate::outcome::{Outcome, Ret, Written};
use crate::rules;
use crate::socket::SocketHandle;
use crate::sockopt::{InBuf, IntPtr, OutBuf};
use crate::stack::Stack;

/// The arguments of `WSAIoctl`, in their C shapes.
#[derive(Debug)]
pub struct WsaIoctlArgs<'a> {
    pub s: SocketHandle,
    pub code: IoctlCode,
    pub in_buf: InBuf<'a>,
    pub cb_in: u32,
    pub out_buf: OutBuf<'a>,
    pub cb_out: u32,
    pub bytes_returned: IntPtr<'a, u32>,
    /// `lpOverlapped` is a valid OVERLAPPED.
    pub overlapped: bool,
    /// `lpCompletionRoutine` is given.
    pub completion_routine: bool,
}

impl Stack {
    /// `WSAIoctl(s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer,
    /// lpcbBytesReturned, lpOverlapped, lpCompletionRoutine)`.
    pub fn wsa_ioctl(&mut self, _args: WsaIoctlArgs<'_>) -> Outcome {
        Outcome {
            ret: Ret::NotModelled,
            error: None,
            written: Written::NOTHING,
            rule: &rules::SOCKOPT_NOT_MODELLED,
            fidelity: self.fidelity(),
            other: None,
            completion: None,
        }
    }
}
