//! `briefpress new <kind> PATH`: a commented skeleton of a document with
//! every field, the required ones marked, `TODO` wherever the analyst must
//! write (the date too). `check` lists the placeholders left; a build takes
//! them only with `--draft`.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use briefpress::load::config;
use briefpress::load::project::{Project, shown};
use briefpress::load::schema;
use clap::{Args, ValueEnum};

use super::report::Reporter;

/// The kinds `new` writes: every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Article,
    Brief,
    Issue,
    Compendium,
    CompendiumPart,
    Notice,
}

impl Kind {
    /// The document kind it writes.
    fn kind(self) -> briefpress::model::Kind {
        use briefpress::model::Kind as Document;
        match self {
            Kind::Article => Document::Article,
            Kind::Brief => Document::Brief,
            Kind::Issue => Document::Issue,
            Kind::Compendium => Document::Compendium,
            Kind::CompendiumPart => Document::CompendiumPart,
            Kind::Notice => Document::Notice,
        }
    }

    /// The name `kind = "..."` gives it.
    pub fn name(self) -> &'static str {
        self.kind().name()
    }

    fn skeleton(self) -> &'static str {
        match self {
            Kind::Article => include_str!("skeletons/article.toml"),
            Kind::Brief => include_str!("skeletons/brief.toml"),
            Kind::Issue => include_str!("skeletons/issue.toml"),
            Kind::Compendium => include_str!("skeletons/compendium.toml"),
            Kind::CompendiumPart => include_str!("skeletons/compendium-part.toml"),
            Kind::Notice => include_str!("skeletons/notice.toml"),
        }
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to write.
    #[arg(value_enum)]
    pub kind: Kind,

    /// The file to create (`.toml` is added when missing); it must not exist.
    pub path: PathBuf,
}

pub fn run(args: &NewArgs, reporter: &Reporter) -> ExitCode {
    let mut path = args.path.clone();
    if path.extension().is_none() {
        path.set_extension("toml");
    }
    if path.exists() {
        return reporter.usage_error(&format!(
            "{} already exists; new never overwrites a file",
            path.display()
        ));
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Err(err) = std::fs::create_dir_all(folder) {
        return reporter.usage_error(&format!("cannot create {}: {err}", folder.display()));
    }
    let project = match Project::discover(folder) {
        Ok(project) => project,
        Err(problems) => return reporter.setup_failed(&problems),
    };
    let has_publication = project.config().publication.name.is_some();
    let schemas = project.root().join(schema::DIR);
    if !schemas.join(schema::file_name(args.kind.name())).exists() {
        match super::schema::write_all(&schemas) {
            Ok(_) => reporter.line(&format!(
                "wrote   {}/ (JSON Schemas for editors)",
                shown(&schemas).display()
            )),
            Err(message) => return reporter.usage_error(&message),
        }
    }
    let text = skeleton(args.kind, &path, project.root(), has_publication);
    if let Err(err) = briefpress::fsgate::write_atomic(&path, text.as_bytes()) {
        return reporter.usage_error(&format!("cannot write {}: {err}", path.display()));
    }
    reporter.line(&format!(
        "wrote   {} (replace the TODOs; `briefpress check {}` lists those left)",
        path.display(),
        path.display()
    ));
    ExitCode::SUCCESS
}

/// The skeleton of `kind` for a file at `path` in the project at `root`
/// (an issue names its publication when the project does not).
fn skeleton(kind: Kind, path: &Path, root: &Path, has_publication: bool) -> String {
    let id = path.file_stem().map_or_else(
        || kind.name().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let schema_file = root.join(schema::DIR).join(schema::file_name(kind.name()));
    let folder = absolute(path.parent().unwrap_or(Path::new(".")));
    let publication = if has_publication {
        "# publication = \"...\"                # the project's [publication] name by default\n"
            .to_string()
    } else {
        format!(
            "publication = \"TODO: the publication's name\"   # (required: {} names none)\n",
            config::FILE_NAME
        )
    };
    kind.skeleton()
        .replace("{schema}", &relative(&folder, &schema_file))
        .replace("{id}", &id)
        .replace("{publication}", &publication)
}

pub(super) fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `to` relative to the folder `from`, with `/` separators (as `#:schema`
/// lines take it).
pub(super) fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.first().is_none_or(|p| p != "..") {
        parts.insert(0, ".".into());
    }
    parts.join("/")
}
