//! The `briefpress` binary: parses arguments, runs the command, maps the
//! outcome to an exit code (0 all built, 1 some document failed, 2 usage).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        cli::Command::Build(build) => cli::build::run(&build),
    }
}
