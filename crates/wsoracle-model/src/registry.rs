//! The registry values behind keep-alive, under
//! `HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters`. All are optional REG_DWORDs: a
//! value that is absent takes its per-version default.

use core::fmt;

/// A registry value the model reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegistryValue {
    /// Milliseconds of idleness before the first keep-alive probe (so_keepalive#42a54-161).
    KeepAliveTime,
    /// Milliseconds between unanswered probes (so_keepalive#42a54-162).
    KeepAliveInterval,
    /// Up to Server 2003, one of the two values whose larger is the probe count
    /// (so_keepalive#42a54-165, 166).
    TcpMaxDataRetransmissions,
    /// Up to Server 2003, the other one (so_keepalive#42a54-165, 166).
    PPTPTcpMaxDataRetransmissions,
    /// Before Vista, the highest ephemeral port (5000 to 65534; default 5000: doc:R-MUP).
    MaxUserPort,
}

impl RegistryValue {
    pub const ALL: [RegistryValue; 5] = [
        RegistryValue::KeepAliveTime,
        RegistryValue::KeepAliveInterval,
        RegistryValue::TcpMaxDataRetransmissions,
        RegistryValue::PPTPTcpMaxDataRetransmissions,
        RegistryValue::MaxUserPort,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RegistryValue::KeepAliveTime => "KeepAliveTime",
            RegistryValue::KeepAliveInterval => "KeepAliveInterval",
            RegistryValue::TcpMaxDataRetransmissions => "TcpMaxDataRetransmissions",
            RegistryValue::PPTPTcpMaxDataRetransmissions => "PPTPTcpMaxDataRetransmissions",
            RegistryValue::MaxUserPort => "MaxUserPort",
        }
    }

    pub fn from_name(name: &str) -> Option<RegistryValue> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }
}

impl fmt::Display for RegistryValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The registry as the model sees it: each value set (`Some`) or absent (`None`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Registry {
    pub keep_alive_time: Option<u32>,
    pub keep_alive_interval: Option<u32>,
    pub tcp_max_data_retransmissions: Option<u32>,
    pub pptp_tcp_max_data_retransmissions: Option<u32>,
    pub max_user_port: Option<u32>,
}

impl Registry {
    /// The default keep-alive time: 2 hours (so_keepalive#42a54-157).
    pub const DEFAULT_KEEP_ALIVE_TIME_MS: u32 = 7_200_000;
    /// The default keep-alive interval: 1 second (so_keepalive#42a54-157).
    pub const DEFAULT_KEEP_ALIVE_INTERVAL_MS: u32 = 1_000;
    /// Up to Server 2003, the default probe count (so_keepalive#42a54-164).
    pub const LEGACY_DEFAULT_PROBE_COUNT: u32 = 5;
    /// Up to Server 2003, the probe count is adjusted down to 255 (so_keepalive#42a54-168).
    pub const LEGACY_MAX_PROBE_COUNT: u32 = 255;
    /// From Vista on, the probe count (so_keepalive#42a54-163).
    pub const FIXED_PROBE_COUNT: u32 = 10;

    pub fn get(&self, value: RegistryValue) -> Option<u32> {
        match value {
            RegistryValue::KeepAliveTime => self.keep_alive_time,
            RegistryValue::KeepAliveInterval => self.keep_alive_interval,
            RegistryValue::TcpMaxDataRetransmissions => self.tcp_max_data_retransmissions,
            RegistryValue::PPTPTcpMaxDataRetransmissions => self.pptp_tcp_max_data_retransmissions,
            RegistryValue::MaxUserPort => self.max_user_port,
        }
    }

    pub fn set(&mut self, value: RegistryValue, data: Option<u32>) {
        let slot = match value {
            RegistryValue::KeepAliveTime => &mut self.keep_alive_time,
            RegistryValue::KeepAliveInterval => &mut self.keep_alive_interval,
            RegistryValue::TcpMaxDataRetransmissions => &mut self.tcp_max_data_retransmissions,
            RegistryValue::PPTPTcpMaxDataRetransmissions => {
                &mut self.pptp_tcp_max_data_retransmissions
            }
            RegistryValue::MaxUserPort => &mut self.max_user_port,
        };
        *slot = data;
    }

    /// Builder form of [`Registry::set`].
    pub fn with(mut self, value: RegistryValue, data: u32) -> Self {
        self.set(value, Some(data));
        self
    }
}
