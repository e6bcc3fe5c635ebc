//! `briefpress extract FILE.pdf DIR`: writes the files an archival PDF
//! carries (the document's TOML and what it includes, its images, the
//! project configuration, override templates, the tool note) under DIR, as
//! a project that builds the same PDF again.
//!
//! The PDF is untrusted: see `briefpress::export::extract` for what is
//! checked before and while it is read. The files are written all or
//! nothing, into a new folder (or an empty one).

use std::path::PathBuf;
use std::process::ExitCode;

use briefpress::export::extract::{embedded_files, restore};
use clap::Args;

use super::report::Reporter;

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// An archival PDF (built with --profile archive).
    pub pdf: PathBuf,

    /// The folder to write the files to: a new folder, or an empty one.
    /// Every file is written, or none (extract never overwrites).
    pub dir: PathBuf,
}

pub fn run(args: &ExtractArgs, reporter: &Reporter) -> ExitCode {
    let files = match embedded_files(&args.pdf) {
        Ok(files) if files.is_empty() => {
            return reporter.usage_error(&format!(
                "{} carries no files (only PDFs built with --profile archive do)",
                args.pdf.display()
            ));
        }
        Ok(files) => files,
        Err(message) => return reporter.usage_error(&message),
    };
    match restore(&args.dir, &files) {
        Ok(written) => {
            for (path, size) in written {
                reporter.line(&format!("wrote   {} ({size} bytes)", path.display()));
            }
            ExitCode::SUCCESS
        }
        Err(message) => reporter.usage_error(&message),
    }
}
