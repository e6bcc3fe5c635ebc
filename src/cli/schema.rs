//! `briefpress schema [DIR]`: writes the JSON Schema of every document kind
//! and of `briefpress.toml`, for editors (Taplo / Even Better TOML) to
//! complete and validate fields as analysts type.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefpress::fsgate::write_atomic;
use briefpress::load::schema;
use clap::Args;

use super::report::Reporter;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Folder to write the schema files to.
    #[arg(default_value = schema::DIR)]
    pub dir: PathBuf,
}

pub fn run(args: &SchemaArgs, reporter: &Reporter) -> ExitCode {
    match write_all(&args.dir) {
        Ok(written) => {
            for path in written {
                reporter.line(&format!("wrote   {}", path.display()));
            }
            ExitCode::SUCCESS
        }
        Err(message) => reporter.usage_error(&message),
    }
}

/// Writes every schema into `dir` (creating it), returning the paths.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    schema::all()
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            write_atomic(&path, text.as_bytes())
                .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
            Ok(path)
        })
        .collect()
}
