//! One module per subcommand. Each returns the process exit code, or an error for main to report.

pub mod catalog;
pub mod check;
pub mod contracts;
pub mod demo;
pub mod fx;
pub mod import;
pub mod init;
pub mod payments;
pub mod royalties;
pub mod serve;
pub mod statements;
pub mod suspense;
pub mod synth;
pub mod value;
