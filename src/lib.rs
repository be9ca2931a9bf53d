//! wsoracle: a simulator and test oracle for Windows sockets.
pub use wsoracle_model as model;
pub use wsoracle_scenario as scenario;
