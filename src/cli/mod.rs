//! Command-line arguments; one file per command.

pub mod build;
pub mod catalogue;
pub mod check;
pub mod completions;
pub mod extract;
pub mod fonts;
pub mod import;
pub mod init;
pub mod licenses;
pub mod new;
pub mod preview;
pub mod report;
pub mod schema;
pub mod templates;
pub mod watch;

use std::path::PathBuf;

use briefpress::load::config::Edition;
use clap::{ArgAction, Args, Parser, Subcommand};

use report::{ColorChoice, Format, Reporter};

/// Typesets analysts' briefs written in TOML into print-ready, archival PDFs
/// (tagged PDF/A-2b and PDF/UA-1), with the embedded Typst compiler: no
/// external programs, no network.
#[derive(Debug, Parser)]
#[command(name = "briefpress", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// How diagnostics are printed: human (file:line:col, the line, a
    /// caret) or json (one object per line on standard output: file, line,
    /// column, severity, code, message, hint).
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Colour diagnostics: auto (on a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only errors and the summary.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say more: the project and configuration used, unchanged documents.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

impl GlobalArgs {
    pub fn reporter(&self) -> Reporter {
        Reporter::new(self.format, self.color, self.quiet, self.verbose)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build documents into PDFs.
    #[command(
        after_help = "Examples:\n  briefpress build                      every document under briefs/ into out/\n  briefpress build briefs/central-asia/china-bri-security.toml -o /tmp/x.pdf\n  briefpress build archive/ --shard 2/4 --jobs 2   one slice of a large archive"
    )]
    Build(BuildArgs),
    /// Build, then rebuild what changed on every save until stopped.
    #[command(
        after_help = "Example:\n  briefpress watch briefs/central-asia    rebuild the folder's PDFs as files change"
    )]
    Watch(watch::WatchArgs),
    /// Report every problem without writing PDFs; fast enough for every save.
    #[command(
        after_help = "Examples:\n  briefpress check                      every document under briefs/, no layout\n  briefpress check briefs/central-asia/china-bri-security.toml --deep\n  briefpress check --format json        diagnostics for an editor, one JSON object per line"
    )]
    Check(check::CheckArgs),
    /// Start a project: briefpress.toml, briefs/, schemas (--examples: the samples).
    #[command(
        after_help = "Examples:\n  briefpress init office-briefs                 an empty project that checks clean\n  briefpress init samples --examples && cd samples && briefpress build"
    )]
    Init(init::InitArgs),
    /// Write a commented skeleton of a document, every field shown.
    #[command(
        after_help = "Examples:\n  briefpress new article briefs/central-asia/new-article.toml\n  briefpress new brief briefs/briefs/water-security\n  briefpress new notice briefs/notices/new-book   then `build --draft` until the TODOs are replaced"
    )]
    New(new::NewArgs),
    /// Turn a Word manuscript or the magazine's web page into a TOML
    /// document to review.
    #[command(
        after_help = "Examples:\n  briefpress import ~/Downloads/article.txt            into briefs/<headline>.toml, then checked\n  briefpress import manuscript.docx -o briefs/ca/x.toml  a Word manuscript, its picture beside it\n  briefpress import brief.txt --kind brief -o briefs/briefs/water.toml\n  briefpress import article.txt -o -                   the TOML on standard output"
    )]
    Import(import::ImportArgs),
    /// Pages of a document as PNG images.
    #[command(
        after_help = "Example:\n  briefpress preview briefs/central-asia/china-bri-security.toml --page 1 --dpi 150"
    )]
    Preview(preview::PreviewArgs),
    /// Write JSON Schemas of every kind, for editors to complete and validate.
    #[command(
        after_help = "Example:\n  briefpress schema          into schemas/, which the `#:schema` lines of documents name"
    )]
    Schema(schema::SchemaArgs),
    /// List the fonts, their styles and the scripts they cover.
    #[command(after_help = "Example:\n  briefpress fonts --font-path ~/fonts")]
    Fonts(fonts::FontsArgs),
    /// Work with the templates (eject them for customising).
    #[command(subcommand)]
    Templates(templates::TemplatesCommand),
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  briefpress completions bash > ~/.local/share/bash-completion/completions/briefpress"
    )]
    Completions(completions::CompletionsArgs),
    /// Write the offline catalogue of the output folder (no building).
    #[command(
        after_help = "Example:\n  briefpress catalogue          out/index.html, out/catalogue.pdf, thumbnails and SHA256SUMS for the PDFs in out/"
    )]
    Catalogue(catalogue::CatalogueArgs),
    /// Recover the files an archival PDF carries.
    #[command(
        after_help = "Example:\n  briefpress extract out/central-asia/china-bri-security.pdf restored/\n  cd restored && briefpress build --profile archive   the same PDF again"
    )]
    Extract(extract::ExtractArgs),
    /// Write manual pages.
    #[command(after_help = "Example:\n  briefpress man man/ && man -l man/briefpress.1")]
    Man(completions::ManArgs),
    /// Print the licences of what the binary carries (fonts, the validator).
    Licenses,
}

/// The documents a command works on, and where their project is.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Document files or folders (folders are searched for *.toml).
    #[arg(default_value = "briefs")]
    pub paths: Vec<PathBuf>,

    /// The project root: documents, images and templates are read only
    /// inside it; its templates/ folder overrides the built-in templates
    /// [default: the nearest folder above each document with a
    /// briefpress.toml, else the working directory].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Add the fonts in this folder (repeatable). System fonts are never used.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,

    /// A draft for review: "DRAFT" on every page and reviewers' comments
    /// as numbered margin notes. Without it, a document with unresolved
    /// comments is refused, each listed with its line.
    #[arg(long)]
    pub draft: bool,

    /// What the PDFs are for: screen (images at 200 dpi), print (bleed,
    /// crop marks, spot inks, separate cover, 300 dpi preflight) or archive
    /// (PDF/A-3b carrying the sources; `extract` recovers them) [default: `[build] profile` in briefpress.toml, else screen].
    #[arg(long, value_enum)]
    pub profile: Option<briefpress::load::config::Profile>,
}

impl ProjectArgs {
    /// The engine's options for these arguments (building nothing else).
    /// `Err` if `SOURCE_DATE_EPOCH` is set but not a time.
    pub fn options(&self) -> Result<briefpress::build::Options, String> {
        Ok(briefpress::build::Options {
            paths: self.paths.clone(),
            root: self.root.clone(),
            font_paths: self.font_paths.clone(),
            draft: self.draft,
            profile: self.profile,
            time: build_time()?,
            ..Default::default()
        })
    }
}

/// When this run builds: `SOURCE_DATE_EPOCH` if set (reproducible builds),
/// else the clock. The environment is read here, in the CLI, and passed
/// down.
pub fn build_time() -> Result<briefpress::load::project::BuildTime, String> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    briefpress::load::project::BuildTime::from_epoch(epoch.as_deref())
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Write the PDF here (only when building a single document).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Folder for built PDFs; each goes to <out-dir>/<path under briefs/>/<id>.pdf
    /// [default: `out_dir` of briefpress.toml, else out/ in the project root].
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Documents compiled at once (default: all cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Build issues without writing each member as its own PDF (a quick
    /// proof of the whole issue); the web edition keeps its members'
    /// pages, which the page links.
    #[arg(long)]
    pub no_members: bool,

    /// Rebuild every document, even those whose inputs are unchanged.
    #[arg(long)]
    pub force: bool,

    /// Build only shard K of N (e.g. 2/4): a stable split of the documents
    /// found, for CI matrices; each shard keeps its own manifest, which the
    /// next full build merges.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,

    /// Stop after this many seconds, naming the documents still being
    /// built (exit code 1); finished PDFs are kept, unfinished ones not written.
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<std::time::Duration>,

    /// Also write each document as a self-contained Typst project under
    /// DIR/<id>/ (entry, templates, data, images, compile.sh; the fonts in
    /// DIR/fonts/) that stock `typst compile` turns into the same document.
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,

    /// Skip the offline catalogue (index.html, catalogue.pdf, thumbnails,
    /// SHA256SUMS) a build over folders otherwise ends with.
    #[arg(long)]
    pub no_catalogue: bool,

    /// Editions to write, comma-separated: pdf, html (an accessible web
    /// page beside the PDF, <id>.html, its images in media/), epub (an
    /// EPUB 3 book beside the PDF, <id>.epub, with the PDF's page numbers;
    /// an issue's documents are its chapters) or all [default: `[build]
    /// editions` in briefpress.toml, else pdf].
    #[arg(long, value_name = "LIST", value_parser = parse_editions)]
    pub edition: Option<EditionList>,
}

/// The editions `--edition` names, in [`Edition`] order, at least one.
#[derive(Debug, Clone)]
pub struct EditionList(pub Vec<Edition>);

/// `pdf`, `html`, `epub`, a comma-separated list of them, or `all`.
fn parse_editions(text: &str) -> Result<EditionList, String> {
    let mut editions = Vec::new();
    for name in text.split(',').map(str::trim) {
        if name.eq_ignore_ascii_case("all") {
            editions.extend(Edition::ALL);
            continue;
        }
        match Edition::from_name(&name.to_ascii_lowercase()) {
            Some(edition) => editions.push(edition),
            None => {
                let names = Edition::ALL.map(Edition::name).join(", ");
                return Err(format!(
                    "`{name}` is not an edition (editions: {names}, or all)"
                ));
            }
        }
    }
    editions.sort();
    editions.dedup();
    Ok(EditionList(editions))
}

/// The longest `--timeout`: a year.
const MAX_TIMEOUT_SECS: f64 = 365.0 * 24.0 * 3600.0;

/// Seconds: a finite number over zero, at most a year (`inf`, `nan`, `0`
/// and `1e300` are usage errors, not "no timeout" or a crash).
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS => {
            Ok(std::time::Duration::from_secs_f64(secs))
        }
        _ => Err(format!(
            "`{text}` is not a number of seconds over 0 and at most {MAX_TIMEOUT_SECS:.0} (a year)"
        )),
    }
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let (k, n) = text.split_once('/').ok_or("expected K/N, e.g. 2/4")?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!(
            "shard {k}/{n} does not exist: K must be from 1 to N"
        ));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    #[test]
    fn timeouts_are_finite_positive_seconds() {
        for bad in ["inf", "-inf", "nan", "NaN", "0", "-1", "1e300", "abc", ""] {
            assert!(super::parse_timeout(bad).is_err(), "{bad}");
        }
        assert_eq!(
            super::parse_timeout("1.5"),
            Ok(std::time::Duration::from_millis(1500))
        );
    }
}
