//! `briefpress build`: every document given, each into its PDF. A failing
//! document is reported and the others still build; the exit code says
//! whether all succeeded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use briefpress::diag::Diagnostic;
use briefpress::export::write::write_atomic;
use briefpress::pipeline::{self, Ready};
use briefpress::project::Project;
use briefpress::typeset::{Typesetter, fonts};

use super::BuildArgs;

/// A document found on the command line.
struct Input {
    path: PathBuf,
    /// How messages name it: relative to the working directory.
    display: PathBuf,
}

pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let setup = Project::open(&args.root).and_then(|project| {
        let fonts = fonts::font_store(&args.font_paths)?;
        Ok(Typesetter::new(project, fonts))
    });
    let typesetter = match setup {
        Ok(typesetter) => typesetter,
        Err(message) => return usage_error(&message),
    };
    let inputs = match discover(&args.paths) {
        Ok(inputs) if inputs.is_empty() => return usage_error("no documents (*.toml) found"),
        Ok(inputs) => inputs,
        Err(message) => return usage_error(&message),
    };
    if args.output.is_some() && inputs.len() != 1 {
        return usage_error("--output needs exactly one document; use --out-dir for several");
    }

    let mut failed = 0;
    let mut ready = Vec::new();
    for input in &inputs {
        match pipeline::ready(&typesetter, &input.path, &input.display) {
            Ok(doc) => ready.push(doc),
            Err(diags) => {
                failed += 1;
                report_failure(&input.display, &diags);
            }
        }
    }
    failed += reject_duplicate_ids(&mut ready);

    let mut built = 0;
    for doc in &ready {
        let target = match &args.output {
            Some(output) => output.clone(),
            None => output_path(typesetter.project(), &args.out_dir, doc),
        };
        let clock = Instant::now();
        let display = &doc.loaded.file.display;
        let result = pipeline::build(&typesetter, doc).and_then(|out| {
            write_atomic(&target, &out.pdf).map_err(|err| {
                vec![Diagnostic::error(format!(
                    "cannot write {}: {err}",
                    target.display()
                ))]
            })?;
            Ok(out)
        });
        match result {
            Ok(out) => {
                built += 1;
                for warning in &out.warnings {
                    eprint!("{warning}");
                }
                if !args.quiet {
                    println!(
                        "built   {} -> {} ({} page{}, {} ms)",
                        display.display(),
                        target.display(),
                        out.pages,
                        if out.pages == 1 { "" } else { "s" },
                        clock.elapsed().as_millis()
                    );
                }
            }
            Err(diags) => {
                failed += 1;
                report_failure(display, &diags);
            }
        }
    }

    let seconds = started.elapsed().as_secs_f64();
    println!("{built} built, {failed} failed in {seconds:.2} s");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn report_failure(display: &Path, diags: &[Diagnostic]) {
    eprintln!("failed  {}", display.display());
    for diag in diags {
        eprint!("{diag}");
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Expands folders into the `*.toml` documents below them, in a stable order.
fn discover(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            files.sort();
            found.extend(files);
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    found.dedup();
    Ok(found
        .into_iter()
        .map(|path| Input {
            display: path.clone(),
            path,
        })
        .collect())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Two documents with one id would overwrite each other's PDF: both fail.
fn reject_duplicate_ids(ready: &mut Vec<Ready>) -> usize {
    let mut count: HashMap<String, usize> = HashMap::new();
    for doc in ready.iter() {
        *count.entry(doc.prepared.id.clone()).or_default() += 1;
    }
    let (dupes, unique): (Vec<Ready>, Vec<Ready>) =
        ready.drain(..).partition(|doc| count[&doc.prepared.id] > 1);
    *ready = unique;
    for doc in &dupes {
        let others: Vec<String> = dupes
            .iter()
            .filter(|o| {
                o.prepared.id == doc.prepared.id && o.loaded.file.path != doc.loaded.file.path
            })
            .map(|o| o.loaded.file.display.display().to_string())
            .collect();
        report_failure(
            &doc.loaded.file.display,
            &[Diagnostic::error(format!(
                "document id `{}` is also used by {}",
                doc.prepared.id,
                others.join(", ")
            ))
            .in_file(&doc.loaded.file.display)
            .with_hint("ids name the output files and must be unique; set a different `id`")],
        );
    }
    dupes.len()
}

/// `<out-dir>/<folder under briefs/ (or the root)>/<id>.pdf`.
fn output_path(project: &Project, out_dir: &Path, doc: &Ready) -> PathBuf {
    let real = doc
        .loaded
        .file
        .path
        .canonicalize()
        .unwrap_or_else(|_| doc.loaded.file.path.clone());
    let inside = project.relative(&real);
    let inside = inside.strip_prefix("briefs").unwrap_or(inside);
    let folder = inside.parent().unwrap_or(Path::new(""));
    out_dir
        .join(folder)
        .join(format!("{}.pdf", doc.prepared.id))
}
