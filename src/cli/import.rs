//! `briefpress import SOURCE`: an article or brief written elsewhere (Word,
//! the magazine's web page or its text) into a first TOML document inside
//! the project, then checked, so that the analyst's job is the review the
//! importer's comments list.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefpress::diag::Diagnostic;
use briefpress::import::{DraftKind, docx, html, text, write};
use briefpress::load::project::{Project, shown};
use briefpress::load::schema;
use clap::{Args, ValueEnum};

use super::report::{Reporter, say};
use super::{ProjectArgs, check};

/// The most a source may weigh: a long article's text is some 100 kB, a
/// manuscript with its pictures a few MB (it may inflate to 64 MB).
const SOURCE_CAP: u64 = 64 * 1024 * 1024;

/// The kinds an import can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Article,
    Brief,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The article or brief: a Word manuscript (.docx), the magazine's web
    /// page (.html), or its text as copied (headline, caption, pull quote,
    /// body, then Sources:, Notes:, Image Information:, or Key Takeaways:
    /// for a brief).
    pub source: PathBuf,

    /// What it is [default: a brief when it has Key Takeaways, else an
    /// article].
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,

    /// The TOML file to write, inside the project and new (never
    /// overwritten); `-` for standard output [default: briefs/<headline>.toml].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The project the document goes into [default: the nearest folder
    /// above the working directory with a briefpress.toml, else the
    /// working directory].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

pub fn run(args: &ImportArgs, reporter: &Reporter) -> ExitCode {
    let shown_source = args.source.display().to_string();
    let refused = |message: String| {
        reporter.diagnostic(
            &Diagnostic::error(message)
                .with_code("import")
                .in_file(&args.source),
        );
        ExitCode::from(1)
    };
    let bytes = match briefpress::fsgate::read_regular(&args.source, SOURCE_CAP) {
        Ok(bytes) => bytes,
        Err(why) => return refused(format!("cannot read {shown_source}: {why}")),
    };
    let format = match format_of(&bytes, &args.source) {
        Ok(format) => format,
        Err(why) => return refused(why),
    };
    let kind = args.kind.map(|kind| match kind {
        Kind::Article => DraftKind::Article,
        Kind::Brief => DraftKind::Brief,
    });
    let read = match format {
        Format::Docx => docx::read(&bytes, kind),
        Format::Text | Format::Html => match std::str::from_utf8(&bytes) {
            Err(err) => {
                return refused(format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    err.valid_up_to()
                ));
            }
            Ok(source) if format == Format::Html => html::read(source, kind),
            Ok(source) => text::read(source, kind),
        },
    };
    let draft = match read {
        Ok(draft) => draft,
        Err(why) => return refused(why.to_string()),
    };
    let from = args.source.file_name().map_or_else(
        || shown_source.clone(),
        |n| n.to_string_lossy().into_owned(),
    );

    for warning in &draft.warnings {
        reporter.diagnostic(
            &Diagnostic::warning(warning.clone())
                .with_code("import")
                .in_file(&args.source),
        );
    }
    if args.output.as_deref() == Some(Path::new("-")) {
        say(write::toml(&draft, None, &from).trim_end());
        for (file, _) in &draft.files {
            reporter.diagnostic(
                &Diagnostic::warning(format!(
                    "{file} is not written with -o -: import into a file to have it"
                ))
                .with_code("import")
                .in_file(&args.source),
            );
        }
        return ExitCode::SUCCESS;
    }
    let project = match &args.root {
        Some(root) => Project::open(root),
        None => Project::discover(Path::new(".")),
    };
    let project = match project {
        Ok(project) => project,
        Err(problems) => return reporter.setup_failed(&problems),
    };
    let mut path = match &args.output {
        Some(path) => path.clone(),
        None => project.root().join("briefs").join(text::slug(&draft.title)),
    };
    if path.extension().is_none() {
        path.set_extension("toml");
    }
    if let Err(why) = project.inside(&path) {
        return reporter.usage_error(&format!(
            "{} is refused: {why} (import writes inside the project {})",
            path.display(),
            shown(project.root()).display()
        ));
    }
    if path.exists() || path.is_symlink() {
        return reporter.usage_error(&format!(
            "{} already exists; import never overwrites a file (give another with -o)",
            path.display()
        ));
    }
    let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut files = Vec::new();
    for (relative, bytes) in &draft.files {
        let target = folder.join(relative);
        if let Err(why) = project.inside(&target) {
            return reporter.usage_error(&format!("{} is refused: {why}", target.display()));
        }
        if target.exists() || target.is_symlink() {
            return reporter.usage_error(&format!(
                "{} already exists; import never overwrites a file (give another -o)",
                target.display()
            ));
        }
        files.push((target, bytes));
    }
    let schemas = project.root().join(schema::DIR);
    let schema_file = schemas.join(schema::file_name(draft.kind.name()));
    if !schema_file.exists()
        && let Err(message) = super::schema::write_all(&schemas)
    {
        return reporter.usage_error(&message);
    }
    if let Err(err) = std::fs::create_dir_all(&folder) {
        return reporter.usage_error(&format!("cannot create {}: {err}", folder.display()));
    }
    for (target, bytes) in files {
        if let Err(err) = briefpress::fsgate::write_atomic(&target, bytes) {
            return reporter.usage_error(&format!("cannot write {}: {err}", target.display()));
        }
        reporter.line(&format!("wrote   {}", target.display()));
    }
    let schema_line = super::new::relative(&super::new::absolute(&folder), &schema_file);
    let toml = write::toml(&draft, Some(&schema_line), &from);
    if let Err(err) = briefpress::fsgate::write_atomic(&path, toml.as_bytes()) {
        return reporter.usage_error(&format!("cannot write {}: {err}", path.display()));
    }
    reporter.line(&format!(
        "wrote   {} ({} from {from}; {} to review)",
        path.display(),
        draft.kind.name(),
        match draft.comments.len() {
            1 => "1 comment".to_string(),
            n => format!("{n} comments"),
        }
    ));
    // What the analyst has to fix, listed with lines, as `check` lists it.
    check::run(
        &check::CheckArgs {
            project: ProjectArgs {
                paths: vec![path.clone()],
                root: Some(project.root().to_path_buf()),
                font_paths: Vec::new(),
                draft: false,
                profile: None,
            },
            deep: false,
            jobs: None,
        },
        reporter,
    );
    reporter.line(&format!(
        "review  resolve the comments above (resolved = true), then `briefpress build {}`",
        path.display()
    ));
    // The import itself succeeded: the check's findings are the review.
    ExitCode::SUCCESS
}

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// The web page's text, as copied.
    Text,
    /// The web page itself.
    Html,
    /// A Word manuscript.
    Docx,
}

/// What the source is, by its first bytes (and an HTML file by its name),
/// or why it is nothing this importer reads.
fn format_of(bytes: &[u8], path: &Path) -> Result<Format, String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(
            "this is an OLE compound file: an encrypted Word document or a legacy .doc; save \
             it in Word as a .docx without a password, then import that"
                .into(),
        );
    }
    if bytes.starts_with(b"PK") {
        return Ok(Format::Docx);
    }
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(64)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    let named_html = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let html = named_html || start.starts_with("<!doctype html") || start.starts_with("<html");
    Ok(if html { Format::Html } else { Format::Text })
}
