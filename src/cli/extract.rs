//! `briefpress extract FILE.pdf DIR`: writes the files an archival PDF
//! carries (the document's TOML and what it includes, its images, the
//! project configuration, override templates, the tool note) under DIR, as
//! a project that builds the same PDF again.

use std::path::PathBuf;
use std::process::ExitCode;

use briefpress::export::extract::{destination, embedded_files};
use briefpress::fsgate::write_atomic;
use clap::Args;

use super::report::Reporter;

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// An archival PDF (built with --profile archive).
    pub pdf: PathBuf,

    /// The folder to write the files to; files already there are not
    /// overwritten.
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
    let mut planned = Vec::new();
    for file in &files {
        match destination(&args.dir, &file.name) {
            Ok(path) if path.exists() => {
                return reporter.usage_error(&format!(
                    "{} already exists; extract never overwrites (choose an empty folder)",
                    path.display()
                ));
            }
            Ok(path) => planned.push((path, &file.data)),
            Err(message) => return reporter.usage_error(&message),
        }
    }
    for (path, data) in planned {
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomic(&path, data));
        if let Err(err) = written {
            return reporter.usage_error(&format!("cannot write {}: {err}", path.display()));
        }
        reporter.line(&format!(
            "wrote   {} ({} bytes)",
            path.display(),
            data.len()
        ));
    }
    ExitCode::SUCCESS
}
