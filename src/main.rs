//! The `briefpress` binary: parses arguments, runs the command, maps the
//! outcome to an exit code (0 all built, 1 some document failed, 2 usage).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quiet_panics();
    let args = cli::Cli::parse();
    let reporter = args.global.reporter();
    match &args.command {
        cli::Command::Build(build) => cli::build::run(build, &reporter),
        cli::Command::Watch(watch) => cli::watch::run(watch, &reporter),
        cli::Command::Check(check) => cli::check::run(check, &reporter),
        cli::Command::Init(init) => cli::init::run(init, &reporter),
        cli::Command::New(new) => cli::new::run(new, &reporter),
        cli::Command::Import(import) => cli::import::run(import, &reporter),
        cli::Command::Preview(preview) => cli::preview::run(preview, &reporter),
        cli::Command::Schema(schema) => cli::schema::run(schema, &reporter),
        cli::Command::Fonts(fonts) => cli::fonts::run(fonts, &reporter),
        cli::Command::Templates(templates) => cli::templates::run(templates, &reporter),
        cli::Command::Completions(completions) => cli::completions::completions(completions),
        cli::Command::Man(man) => cli::completions::man(man, &reporter),
        cli::Command::Licenses => cli::licenses::run(),
        cli::Command::Extract(extract) => cli::extract::run(extract, &reporter),
        cli::Command::Catalogue(catalogue) => cli::catalogue::run(catalogue, &reporter),
    }
}

/// A panic in a worker is caught and reported as an internal error of its
/// document, so the default message and backtrace would only be noise.
/// Anywhere else it is reported in one line, without a backtrace.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let worker = std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with(briefpress::build::run::THREAD_PREFIX));
        if !worker {
            eprintln!("internal error: {info}");
        }
    }));
}
