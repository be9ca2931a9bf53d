//! Scenario format: being written.
