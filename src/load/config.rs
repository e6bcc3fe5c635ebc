//! The project configuration: `briefpress.toml` at a project root sets a
//! publication's look and rules in one place (masthead, paper, fonts,
//! colours, logo, PDF standards, output folder, templates, limits). Every
//! document built in the project picks it up; a document may override its
//! paper size and language. Found by walking up from each input, as Cargo
//! finds `Cargo.toml`.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::Diagnostic;
use crate::fsgate::{Gate, GateError};
use crate::limits::Limits;
use crate::load::{self, SourceFile};
use crate::model::Paper;
use crate::model::publication::{LangData, PublicationData, StyleData};

/// The configuration file's name.
pub const FILE_NAME: &str = "briefpress.toml";

/// `briefpress.toml` as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub publication: PublicationConfig,
    #[serde(default)]
    pub style: StyleConfig,
    #[serde(default)]
    pub build: BuildConfig,
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// `[publication]`: who publishes, printed on covers, running heads and
/// first pages.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationConfig {
    /// The publication's name, e.g. "OE Watch".
    pub name: Option<String>,
    /// Masthead text (editors, address).
    pub masthead: Option<String>,
    #[schemars(with = "Option<String>")]
    pub issn: Option<Spanned<String>>,
    /// Distribution statement, e.g. "Approved for public release".
    pub distribution: Option<String>,
    pub disclaimer: Option<String>,
    /// Logo image, relative to this file.
    #[schemars(with = "Option<String>")]
    pub logo: Option<Spanned<String>>,
    /// Language of documents that do not name one (BCP 47), `en` by default.
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    /// Where the output folder is published on the web (`https://…/`): the
    /// EPUB edition links each document's PDF there, never beside it.
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
}

/// `[style]`: the look every template shares.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StyleConfig {
    /// Default paper size; a document may choose its own.
    pub paper: Option<Paper>,
    /// Family for body text (bundled: Noto Serif, Noto Sans).
    #[schemars(with = "Option<String>")]
    pub body_font: Option<Spanned<String>>,
    /// Family for headings, running heads and captions.
    #[schemars(with = "Option<String>")]
    pub heading_font: Option<Spanned<String>>,
    /// Colour of headings, rules and links, as `#rrggbb`.
    #[schemars(with = "Option<String>")]
    pub accent: Option<Spanned<String>>,
    /// Colour of secondary text (running heads, captions), as `#rrggbb`.
    #[schemars(with = "Option<String>")]
    pub secondary: Option<Spanned<String>>,
    /// The ink the accent is printed with in the print profile, as the
    /// print shop names it (e.g. `PANTONE 2767 C`); `accent` is its
    /// on-screen fallback. Default: `Accent` and the colour's hex digits.
    #[schemars(with = "Option<String>")]
    pub accent_spot: Option<Spanned<String>>,
    /// The ink of the secondary colour in the print profile.
    #[schemars(with = "Option<String>")]
    pub secondary_spot: Option<Spanned<String>>,
}

/// `[build]`: where things go and what the PDFs conform to.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// Output folder, relative to the project root (`out` by default).
    #[schemars(with = "Option<String>")]
    pub out_dir: Option<Spanned<String>>,
    /// Folder of override templates, relative to the project root
    /// (`templates` by default).
    #[schemars(with = "Option<String>")]
    pub templates: Option<Spanned<String>>,
    /// PDF standards every PDF conforms to (`["a-2b", "ua-1"]` by default).
    #[schemars(with = "Option<Vec<String>>")]
    pub standards: Option<Vec<Spanned<String>>>,
    /// The output profile of builds (`--profile` wins): `screen`, `print`
    /// or `archive`.
    pub profile: Option<Profile>,
    /// The editions every build writes (`--edition` wins): `pdf`, `html`,
    /// `epub` (`["pdf"]` by default).
    #[schemars(with = "Option<Vec<String>>")]
    pub editions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A form a document is published in, each from the same prepared data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    /// The typeset PDF (in the run's profile).
    Pdf,
    /// An accessible web page beside the PDF, with its images.
    Html,
    /// An EPUB 3 book beside the PDF, its chapters the web edition's pages,
    /// marked with the PDF's page breaks.
    Epub,
}

impl Edition {
    pub const ALL: [Edition; 3] = [Edition::Pdf, Edition::Html, Edition::Epub];

    /// The name `[build] editions` and `--edition` use.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Pdf => "pdf",
            Edition::Html => "html",
            Edition::Epub => "epub",
        }
    }

    pub fn from_name(name: &str) -> Option<Edition> {
        Self::ALL.into_iter().find(|edition| edition.name() == name)
    }

    /// The extension of its output files.
    pub fn extension(self) -> &'static str {
        self.name()
    }
}

/// What the PDFs are made for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Reading on screen: the project's standards (PDF/A-2b and PDF/UA-1
    /// by default), coloured live links, images at no more than 200 dpi
    /// at their placed size.
    #[default]
    Screen,
    /// The print shop: the project's standards, a 3 mm bleed with crop
    /// marks in a slug outside it (TrimBox and BleedBox set), brand
    /// colours as spot inks, plain links, issues padded to a multiple of
    /// four pages with the cover as its own PDF, and no image under 300
    /// dpi.
    Print,
    /// Deposit in an archive: PDF/A-3b and PDF/UA-1 with the document's
    /// sources, the files it read, the configuration, override templates
    /// and a note of the tool and fonts attached (`briefpress extract`
    /// recovers them).
    Archive,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Screen => "screen",
            Profile::Print => "print",
            Profile::Archive => "archive",
        }
    }

    /// The folder of the output folder its PDFs go to, so that profiles
    /// never overwrite each other: screen PDFs at the top, print and
    /// archive PDFs in `print/` and `archive/`.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Profile::Screen => None,
            Profile::Print => Some("print"),
            Profile::Archive => Some("archive"),
        }
    }
}

/// Names of the folders briefpress itself writes at the top of an output
/// folder: a document folder or an issue id of the same name would mix its
/// PDFs into them.
pub const RESERVED_FOLDERS: [&str; 4] = ["print", "archive", "preview", "thumbnails"];

/// `[limits]`: what a document may not exceed (checked before compiling).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    #[schemars(with = "Option<u64>")]
    pub document_kb: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub field_kb: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub notes: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub image_megapixels: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub nesting: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub document_megapixels: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub combining_marks: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub compendium_entries: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub image_mb: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub template_kb: Option<Spanned<u64>>,
    #[schemars(with = "Option<u64>")]
    pub pdf_mb: Option<Spanned<u64>>,
}

/// A PDF standard a project may ask for in `[build] standards`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    A2a,
    A2b,
    A2u,
    A3a,
    A3b,
    A3u,
    Ua1,
}

impl Standard {
    pub const ALL: [Standard; 7] = [
        Standard::A2a,
        Standard::A2b,
        Standard::A2u,
        Standard::A3a,
        Standard::A3b,
        Standard::A3u,
        Standard::Ua1,
    ];

    /// The name `[build] standards` and Typst's `--pdf-standard` use.
    pub fn name(self) -> &'static str {
        match self {
            Standard::A2a => "a-2a",
            Standard::A2b => "a-2b",
            Standard::A2u => "a-2u",
            Standard::A3a => "a-3a",
            Standard::A3b => "a-3b",
            Standard::A3u => "a-3u",
            Standard::Ua1 => "ua-1",
        }
    }

    /// The standard's own name, as readers and validators print it.
    pub fn title(self) -> &'static str {
        match self {
            Standard::A2a => "PDF/A-2a",
            Standard::A2b => "PDF/A-2b",
            Standard::A2u => "PDF/A-2u",
            Standard::A3a => "PDF/A-3a",
            Standard::A3b => "PDF/A-3b",
            Standard::A3u => "PDF/A-3u",
            Standard::Ua1 => "PDF/UA-1",
        }
    }

    /// The standard a name (in any case) stands for.
    pub fn from_name(name: &str) -> Option<Standard> {
        let name = name.to_ascii_lowercase();
        Standard::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The configuration in effect for a project: the file's values checked,
/// defaults filled in.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (`None`: no `briefpress.toml`, all defaults).
    pub file: Option<SourceFile>,
    pub publication: PublicationData,
    pub language: Option<LangData>,
    pub paper: Paper,
    pub style: StyleData,
    /// Output folder, relative to the project root.
    pub out_dir: PathBuf,
    /// Override templates folder, relative to the project root.
    pub templates: PathBuf,
    pub standards: Vec<Standard>,
    pub profile: Profile,
    /// The editions a build writes, in [`Edition`] order, at least one.
    pub editions: Vec<Edition>,
    /// `[publication] url`: where the output folder is published, without
    /// its trailing `/`.
    pub url: Option<String>,
    pub limits: Limits,
    /// The logo as written and where, checked once the project is open.
    pub logo: Option<Spanned<String>>,
    /// Fonts named, with where, checked once the fonts are loaded.
    pub fonts_named: Vec<Spanned<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            file: None,
            publication: PublicationData::default(),
            language: None,
            paper: Paper::default(),
            style: StyleData::default(),
            out_dir: PathBuf::from("out"),
            templates: PathBuf::from("templates"),
            standards: vec![Standard::A2b, Standard::Ua1],
            profile: Profile::default(),
            editions: vec![Edition::Pdf],
            url: None,
            limits: Limits::DEFAULT,
            logo: None,
            fonts_named: vec![],
        }
    }
}

/// The nearest folder at or above `start` holding a `briefpress.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| dir.join(FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

/// Reads the root's `briefpress.toml` through the project's gate, or the
/// defaults when there is none. `display` is how messages name the file.
pub fn load(gate: &Gate, display: &Path) -> Result<Config, Vec<Diagnostic>> {
    let data = match gate.read(Path::new(FILE_NAME), Limits::DEFAULT.document_bytes as u64) {
        Ok(data) => data,
        Err(GateError::NotFound) => return Ok(Config::default()),
        Err(why) => {
            return Err(vec![
                Diagnostic::error(format!("cannot read the project configuration: {why}"))
                    .with_code("config")
                    .in_file(display),
            ]);
        }
    };
    let path = gate.absolute(Path::new(FILE_NAME));
    let bytes = &data.bytes;
    let text = load::decode(bytes, "project configuration")
        .map_err(|message| vec![Diagnostic::error(message).in_file(display)])?;
    let file = SourceFile::parse(path, display.to_path_buf(), text).map_err(|diag| vec![diag])?;
    let written: ConfigFile = load::deserialize(&file).map_err(|diag| vec![diag])?;
    resolve(file, written).map_err(|errors| {
        errors
            .into_iter()
            .map(|diag| match diag.code {
                "error" => diag.with_code("config"),
                _ => diag,
            })
            .collect()
    })
}

/// Checks the values of a parsed file and fills in the defaults.
fn resolve(file: SourceFile, written: ConfigFile) -> Result<Config, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut config = Config::default();

    let publication = written.publication;
    config.publication = PublicationData {
        name: publication.name,
        masthead: publication.masthead,
        issn: publication.issn.map(|issn| {
            if !valid_issn(issn.get_ref()) {
                errors.push(issn_error(&file, &issn));
            }
            issn.into_inner()
        }),
        distribution: publication.distribution,
        disclaimer: publication.disclaimer,
        logo: None,
    };
    config.logo = publication.logo;
    if let Some(url) = &publication.url {
        let text = url.get_ref();
        let web = ["https://", "http://"]
            .iter()
            .any(|scheme| text.len() > scheme.len() && text.starts_with(scheme));
        if web && !text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            config.url = Some(text.trim_end_matches('/').to_string());
        } else {
            errors.push(
                file.error_at(url.span(), format!("`{text}` is not a web address"))
                    .with_hint("write where the output folder is published, e.g. `https://example.org/briefs/`"),
            );
        }
    }
    if let Some(tag) = &publication.language {
        match LangData::parse(tag.get_ref()) {
            Some(lang) => config.language = Some(lang),
            None => errors.push(
                file.error_at(tag.span(), format!("`{}` is not a language tag", tag.get_ref()))
                    .with_hint("use an ISO 639 code such as `en`, `ru`, `fr`, optionally with a region: `en-GB`"),
            ),
        }
    }

    let style = written.style;
    if let Some(paper) = style.paper {
        config.paper = paper;
    }
    for (slot, font) in [
        (&mut config.style.body_font, &style.body_font),
        (&mut config.style.heading_font, &style.heading_font),
    ] {
        if let Some(font) = font {
            *slot = font.get_ref().clone();
            config.fonts_named.push(font.clone());
        }
    }
    for (slot, colour) in [
        (&mut config.style.accent, &style.accent),
        (&mut config.style.secondary, &style.secondary),
    ] {
        if let Some(colour) = colour {
            match parse_colour(colour.get_ref()) {
                Some(hex) => *slot = hex,
                None => errors.push(
                    file.error_at(
                        colour.span(),
                        format!("`{}` is not a colour", colour.get_ref()),
                    )
                    .with_hint("write it as `#rrggbb` (or `#rgb`), e.g. `#1d3557`"),
                ),
            }
        }
    }
    config.style.accent_spot = StyleData::default_spot("Accent", &config.style.accent);
    config.style.secondary_spot = StyleData::default_spot("Secondary", &config.style.secondary);
    for (slot, name) in [
        (&mut config.style.accent_spot, &style.accent_spot),
        (&mut config.style.secondary_spot, &style.secondary_spot),
    ] {
        let Some(name) = name else { continue };
        match spot_name(name.get_ref()) {
            Ok(()) => *slot = name.get_ref().clone(),
            Err(why) => errors.push(
                file.error_at(name.span(), why)
                    .with_hint("name the ink as the print shop knows it, e.g. `PANTONE 2767 C`"),
            ),
        }
    }

    let build = written.build;
    for (slot, folder) in [
        (&mut config.out_dir, &build.out_dir),
        (&mut config.templates, &build.templates),
    ] {
        if let Some(folder) = folder {
            match relative_folder(folder.get_ref()) {
                Ok(path) => *slot = path,
                Err(why) => errors.push(file.error_at(folder.span(), why)),
            }
        }
    }
    if let Some(standards) = build.standards {
        config.standards.clear();
        for standard in standards {
            let name = standard.get_ref().to_ascii_lowercase();
            match Standard::from_name(&name) {
                Some(known) => config.standards.push(known),
                None => errors.push(unknown_name(
                    &file,
                    &standard,
                    "PDF standard",
                    &Standard::ALL.map(Standard::name),
                )),
            }
        }
    }

    if let Some(profile) = build.profile {
        config.profile = profile;
    }
    if let Some(editions) = build.editions {
        let mut chosen = Vec::new();
        for edition in editions.get_ref() {
            let name = edition.get_ref().to_ascii_lowercase();
            match Edition::from_name(&name) {
                Some(known) => chosen.push(known),
                None => errors.push(unknown_name(
                    &file,
                    edition,
                    "edition",
                    &Edition::ALL.map(Edition::name),
                )),
            }
        }
        chosen.sort();
        chosen.dedup();
        if chosen.is_empty() && errors.is_empty() {
            errors.push(
                file.error_at(editions.span(), "`[build] editions` is empty: a build would write nothing")
                    .with_hint("list at least one edition, e.g. `editions = [\"pdf\", \"html\"]`, or remove the key"),
            );
        } else if !chosen.is_empty() {
            config.editions = chosen;
        }
    }

    let limits = written.limits;
    let mut set = |value: &Option<Spanned<u64>>, unit: u64, slot: &mut u64| {
        if let Some(value) = value {
            match value.get_ref().checked_mul(unit) {
                Some(amount) if *value.get_ref() > 0 => *slot = amount,
                _ => errors.push(
                    file.error_at(value.span(), "a limit must be a positive number")
                        .with_hint("remove the key to keep the default"),
                ),
            }
        }
    };
    let mut document = config.limits.document_bytes as u64;
    let mut field = config.limits.field_bytes as u64;
    let mut notes = config.limits.notes as u64;
    let mut pixels = config.limits.image_pixels;
    let mut nesting = config.limits.nesting as u64;
    set(&limits.document_kb, 1024, &mut document);
    set(&limits.field_kb, 1024, &mut field);
    set(&limits.notes, 1, &mut notes);
    set(&limits.image_megapixels, 1_000_000, &mut pixels);
    set(&limits.nesting, 1, &mut nesting);
    let mut compendium_entries = config.limits.compendium_entries as u64;
    set(&limits.compendium_entries, 1, &mut compendium_entries);
    let mut combining_marks = config.limits.combining_marks as u64;
    set(&limits.combining_marks, 1, &mut combining_marks);
    let mut document_pixels = config.limits.document_pixels;
    set(&limits.document_megapixels, 1_000_000, &mut document_pixels);
    let mut image_bytes = config.limits.image_bytes;
    let mut template_bytes = config.limits.template_bytes;
    let mut pdf_bytes = config.limits.pdf_bytes;
    set(&limits.image_mb, 1024 * 1024, &mut image_bytes);
    set(&limits.template_kb, 1024, &mut template_bytes);
    set(&limits.pdf_mb, 1024 * 1024, &mut pdf_bytes);
    config.limits = Limits {
        compendium_entries: usize::try_from(compendium_entries).unwrap_or(usize::MAX),
        combining_marks: usize::try_from(combining_marks).unwrap_or(usize::MAX),
        document_pixels,
        image_bytes,
        template_bytes,
        pdf_bytes,
        document_bytes: usize::try_from(document).unwrap_or(usize::MAX),
        field_bytes: usize::try_from(field).unwrap_or(usize::MAX),
        notes: usize::try_from(notes).unwrap_or(usize::MAX),
        image_pixels: pixels,
        nesting: usize::try_from(nesting).unwrap_or(usize::MAX),
    };

    config.file = Some(file);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// An error at a name `[build]` does not know (`what`: "PDF standard",
/// "edition"), with the closest of `names` and all of them.
fn unknown_name(
    file: &SourceFile,
    written: &Spanned<String>,
    what: &str,
    names: &[&str],
) -> Diagnostic {
    let name = written.get_ref().to_ascii_lowercase();
    let mut diag = file.error_at(
        written.span(),
        format!("unknown {what} `{}`", written.get_ref()),
    );
    if let Some(near) = crate::diag::closest(&name, names.iter().copied()) {
        diag = diag.with_hint(format!("did you mean `{near}`?"));
    }
    diag.with_hint(format!("known: {}", names.join(", ")))
}

impl Config {
    /// A diagnostic at `span` of the configuration file.
    pub fn error_at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Diagnostic {
        match &self.file {
            Some(file) => file.error_at(span, message),
            None => Diagnostic::error(message),
        }
    }

    /// The configuration file's text, for fingerprints (empty without one).
    pub fn text(&self) -> &str {
        self.file.as_ref().map_or("", |file| &file.text)
    }
}

/// Checks that the fonts `[style]` names exist among the fonts loaded (the
/// bundled ones and any added with `--font-path`).
pub fn check_fonts(config: &Config, book: &typst::text::FontBook) -> Vec<Diagnostic> {
    let families: Vec<&str> = book.families().map(|(family, _)| family).collect();
    config
        .fonts_named
        .iter()
        .filter(|font| !book.contains_family(&font.get_ref().to_lowercase()))
        .map(|font| {
            let mut diag = config
                .error_at(
                    font.span(),
                    format!("font family `{}` is not available", font.get_ref()),
                )
                .with_code("config");
            if let Some(near) = crate::diag::closest(font.get_ref(), families.iter().copied()) {
                diag = diag.with_hint(format!("did you mean `{near}`?"));
            }
            diag.with_hint(format!("available families: {}", families.join(", ")))
        })
        .collect()
}

/// `#rgb` or `#rrggbb`, returned as lower-case `#rrggbb`.
/// Checks a spot ink's name: printable ASCII (it becomes a PDF colorant
/// name a print shop matches by eye), and not one of the names with a
/// special meaning on press.
fn spot_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() || name.trim() != name {
        return Err("a spot ink's name must not be empty or start or end with a space".into());
    }
    if let Some(c) = name.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(format!(
            "`{c}` in the spot ink `{name}`: ink names are printable ASCII"
        ));
    }
    let reserved = ["all", "none", "cyan", "magenta", "yellow", "black", "key"];
    if reserved.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "`{name}` has its own meaning on press (a process plate or every plate)"
        ));
    }
    Ok(())
}

fn parse_colour(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(
            hex.chars()
                .flat_map(|c| [c, c])
                .fold(String::from("#"), |mut out, c| {
                    out.push(c.to_ascii_lowercase());
                    out
                }),
        ),
        _ => None,
    }
}

/// The error for an ISSN that [`valid_issn`] refuses.
pub fn issn_error(file: &SourceFile, issn: &Spanned<String>) -> Diagnostic {
    file.error_at(issn.span(), format!("`{}` is not a valid ISSN", issn.get_ref()))
        .with_hint("an ISSN is written NNNN-NNNC, its last character a check digit (0-9 or X), e.g. `2049-3630`")
}

/// `NNNN-NNNC` with the ISSN check digit right.
pub fn valid_issn(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| *c != '-').collect();
    if chars.len() != 8 || text.len() != 9 || text.as_bytes()[4] != b'-' {
        return false;
    }
    let mut sum = 0;
    for (i, c) in chars[..7].iter().enumerate() {
        let Some(digit) = c.to_digit(10) else {
            return false;
        };
        sum += digit * (8 - i as u32);
    }
    let check = (11 - sum % 11) % 11;
    match chars[7] {
        'X' | 'x' => check == 10,
        c => c.to_digit(10) == Some(check),
    }
}

/// A folder inside the project: relative, without `..`.
fn relative_folder(text: &str) -> Result<PathBuf, String> {
    let path = Path::new(text);
    if text.trim().is_empty() {
        return Err("the folder is empty".into());
    }
    if path.is_absolute() || text.starts_with('/') || text.starts_with('\\') {
        return Err(format!(
            "`{text}` is absolute; give a folder relative to the project root"
        ));
    }
    if path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "`{text}` leaves the project root; give a folder inside it"
        ));
    }
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let file = SourceFile::parse(
            PathBuf::from("briefpress.toml"),
            PathBuf::from("briefpress.toml"),
            text.into(),
        )
        .map_err(|diag| vec![diag])?;
        let written = load::deserialize(&file).map_err(|diag| vec![diag])?;
        resolve(file, written)
    }

    fn first_error(text: &str) -> String {
        parse(text).expect_err("an error")[0].to_string()
    }

    #[test]
    fn defaults_and_values() {
        let config = parse(
            "[publication]\nname = \"OE Watch\"\nissn = \"2581-3307\"\n[style]\naccent = \"#ABC\"\npaper = \"us-letter\"\n[limits]\nnotes = 20\nfield_kb = 8\n",
        )
        .expect("valid");
        assert_eq!(config.publication.name.as_deref(), Some("OE Watch"));
        assert_eq!(config.style.accent, "#aabbcc");
        assert_eq!(config.style.body_font, "Noto Serif");
        assert_eq!(config.limits.notes, 20);
        assert_eq!(config.limits.field_bytes, 8 * 1024);
        assert_eq!(config.limits.document_bytes, Limits::DEFAULT.document_bytes);
        assert!(matches!(config.paper, Paper::UsLetter));
        assert_eq!(config.out_dir, PathBuf::from("out"));
        // Spot inks are named after the colours unless the project names them.
        assert_eq!(config.style.accent_spot, "Accent AABBCC");
        assert_eq!(config.style.secondary_spot, "Secondary 555555");
        let named = parse("[style]\naccent_spot = \"PANTONE 2767 C\"\n").expect("valid");
        assert_eq!(named.style.accent_spot, "PANTONE 2767 C");
    }

    #[test]
    fn spot_inks_with_a_meaning_on_press_are_refused() {
        let error = first_error("[style]\naccent_spot = \"All\"\n");
        assert!(error.contains("has its own meaning on press"), "{error}");
        assert!(error.contains("briefpress.toml:2:15"), "{error}");
        let error = first_error("[style]\nsecondary_spot = \"Grün\"\n");
        assert!(error.contains("printable ASCII"), "{error}");
    }

    #[test]
    fn errors_point_at_the_value() {
        let error = first_error("[style]\naccent = \"blue\"\n");
        assert!(error.contains("`blue` is not a colour"), "{error}");
        assert!(error.contains("briefpress.toml:2:10"), "{error}");
        let error = first_error("[publication]\nissn = \"2581-3306\"\n");
        assert!(error.contains("is not a valid ISSN"), "{error}");
        let error = first_error("[build]\nout_dir = \"../elsewhere\"\n");
        assert!(error.contains("leaves the project root"), "{error}");
        let error = first_error("[build]\nstandards = [\"a-2x\"]\n");
        assert!(error.contains("did you mean `a-2"), "{error}");
        let error = first_error("[limits]\nnotes = 0\n");
        assert!(error.contains("positive"), "{error}");
    }

    #[test]
    fn editions_are_named_and_checked() {
        assert_eq!(parse("").expect("valid").editions, [Edition::Pdf]);
        let config = parse("[build]\neditions = [\"html\", \"PDF\", \"html\"]\n").expect("valid");
        assert_eq!(config.editions, [Edition::Pdf, Edition::Html]);
        let errors = parse("[build]\neditions = [\"pdf\", \"htm\"]\n").expect_err("unknown");
        let location = errors[0].location.as_ref().expect("located");
        assert_eq!(location.line_col(), (2, 20));
        let error = errors[0].to_string();
        assert!(
            error.contains("unknown edition `htm`") && error.contains("did you mean `html`"),
            "{error}"
        );
        let error = first_error("[build]\neditions = []\n");
        assert!(error.contains("is empty"), "{error}");
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let error = first_error("[style]\naccent_colour = \"#000000\"\n");
        assert!(error.contains("unknown key `accent_colour`"), "{error}");
        assert!(error.contains("did you mean `accent`?"), "{error}");
        let error = first_error("[publicaton]\nname = \"x\"\n");
        assert!(error.contains("did you mean `publication`?"), "{error}");
    }
}
