//! `briefpress new <kind> PATH`: a commented skeleton of a document with
//! every field, the required ones marked. It builds as written (its
//! placeholders are valid text) and `check` warns on the placeholders left.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use briefpress::load::config;
use briefpress::load::project::{Project, shown};
use briefpress::load::schema;
use clap::{Args, ValueEnum};

use super::report::Reporter;

/// The kinds `new` writes (a notice has no skeleton: it is a few lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Article,
    Brief,
    Issue,
    Compendium,
    CompendiumPart,
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

/// What a skeleton is filled in with.
#[derive(Debug, Default)]
pub struct Fill {
    /// Files an issue gathers, relative to it.
    pub articles: Vec<String>,
    /// Part files a compendium includes, relative to it.
    pub include: Vec<String>,
    /// Whether the project names its publication (else an issue must).
    pub has_publication: bool,
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
    let fill = Fill {
        has_publication: project.config().publication.name.is_some(),
        ..Fill::default()
    };
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
    let text = skeleton(args.kind, &path, project.root(), &fill);
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

/// The skeleton of `kind` for a file at `path` in the project at `root`.
pub fn skeleton(kind: Kind, path: &Path, root: &Path, fill: &Fill) -> String {
    // An invalid SOURCE_DATE_EPOCH only means the clock, for a skeleton.
    let today = super::build_time().unwrap_or_default().today();
    let month = format!("{:04}-{:02}", today.year, today.month.unwrap_or(1));
    let id = path.file_stem().map_or_else(
        || kind.name().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let schema_file = root.join(schema::DIR).join(schema::file_name(kind.name()));
    let folder = absolute(path.parent().unwrap_or(Path::new(".")));
    let publication = if fill.has_publication {
        "# publication = \"...\"                # the project's [publication] name by default\n"
            .to_string()
    } else {
        format!(
            "publication = \"TODO: the publication's name\"   # (required: {} names none)\n",
            config::FILE_NAME
        )
    };
    let list = |items: &[String]| {
        items
            .iter()
            .map(|item| format!("\"{item}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    kind.skeleton()
        .replace("{schema}", &relative(&folder, &schema_file))
        .replace("{id}", &id)
        .replace("{today}", &today.iso())
        .replace("{month}", &month)
        .replace("{publication}", &publication)
        .replace("{articles}", &list(&fill.articles))
        .replace("{include}", &list(&fill.include))
}

fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `to` relative to the folder `from`, with `/` separators (as `#:schema`
/// lines take it).
fn relative(from: &Path, to: &Path) -> String {
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
