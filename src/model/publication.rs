//! The publication and its look, as `briefpress.toml` configures them and
//! the templates receive them (part of the data contract).

use serde::Serialize;

/// A language as Typst's `text(lang:, region:)` takes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangData {
    pub lang: String,
    pub region: Option<String>,
}

impl LangData {
    /// Parses a language tag such as `zh`, `ru`, `fa-IR`; `None` if it is
    /// not one.
    pub fn parse(tag: &str) -> Option<Self> {
        let mut parts = tag.split(['-', '_']);
        let lang = parts.next().unwrap_or_default();
        let region = parts.next();
        let lang_ok =
            (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic());
        let region_ok =
            region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()));
        (lang_ok && region_ok && parts.next().is_none()).then(|| Self {
            lang: lang.to_ascii_lowercase(),
            region: region.map(|r| r.to_ascii_uppercase()),
        })
    }

    pub fn english() -> Self {
        Self {
            lang: "en".into(),
            region: None,
        }
    }
}

/// The publication, from `[publication]` in `briefpress.toml` (an issue
/// may give its own values).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublicationData {
    pub name: Option<String>,
    pub masthead: Option<String>,
    pub issn: Option<String>,
    pub distribution: Option<String>,
    pub disclaimer: Option<String>,
    /// Absolute path of the logo inside the project root.
    pub logo: Option<String>,
}

/// The look every template shares, from `[style]` in `briefpress.toml`.
#[derive(Debug, Clone, Serialize)]
pub struct StyleData {
    pub body_font: String,
    pub heading_font: String,
    /// `#rrggbb`.
    pub accent: String,
    /// `#rrggbb`.
    pub secondary: String,
    /// The spot ink `accent` stands for in print.
    pub accent_spot: String,
    /// The spot ink `secondary` stands for in print.
    pub secondary_spot: String,
}

impl StyleData {
    /// The name a colour's spot ink gets when the project names none:
    /// `Accent 1D3557` for the accent `#1d3557`.
    pub fn default_spot(role: &str, hex: &str) -> String {
        format!(
            "{role} {}",
            hex.trim_start_matches('#').to_ascii_uppercase()
        )
    }
}

impl Default for StyleData {
    fn default() -> Self {
        let (accent, secondary) = ("#1d3557", "#555555");
        Self {
            body_font: "Noto Serif".into(),
            heading_font: "Noto Sans".into(),
            accent: accent.into(),
            secondary: secondary.into(),
            accent_spot: Self::default_spot("Accent", accent),
            secondary_spot: Self::default_spot("Secondary", secondary),
        }
    }
}
