//! One module per subcommand. Each returns the process exit code, or an error for main to report.

pub mod check;
pub mod demo;
pub mod import;
pub mod init;
pub mod suspense;
pub mod synth;
