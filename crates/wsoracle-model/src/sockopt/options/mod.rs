//! One file per option (or per family of options that share their rules): its descriptor, its
//! rules with their evidence, and its hooks where it needs code. `table.rs` lists them.

pub mod ipv6_v6only;
pub mod so_acceptconn;
pub mod so_broadcast;
pub mod so_buffers;
pub mod so_connect_time;
pub mod so_debug;
pub mod so_documented;
pub mod so_dontroute;
pub mod so_error;
pub mod so_keepalive;
pub mod so_linger;
pub mod so_lowat;
pub mod so_max_msg_size;
pub mod so_oobinline;
pub mod so_opentype;
pub mod so_protocol_info;
pub mod so_reuse;
pub mod so_timeouts;
pub mod so_type;
pub mod so_update_context;
pub mod tcp_documented;
pub mod tcp_fastopen;
pub mod tcp_keepalive;
pub mod tcp_maxrt;
pub mod tcp_maxseg;
pub mod tcp_nodelay;
pub mod tcp_timestamps;
pub mod tcp_urgent;
