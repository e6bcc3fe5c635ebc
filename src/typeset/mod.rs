//! Render data -> pages, through the embedded Typst compiler.

pub mod archive;
mod bounds;
pub mod compile;
pub mod coverage;
pub mod downsample;
pub mod folder;
pub mod fonts;
pub mod output;
pub mod pagination;
pub mod resample_cache;
pub mod resolution;
pub mod stand_in;
pub mod templates;
pub mod world;

pub use compile::{
    Images, Typeset, image_decodes, typeset, typeset_own, typeset_part, undecodable, unusable_image,
};
pub use output::Part;
pub use world::Typesetter;

/// The Typst release briefpress embeds (pinned in `Cargo.toml`): printed in
/// PDFs and exports, and part of every build key.
pub const TYPST_VERSION: &str = "0.15.1";

#[cfg(test)]
mod tests {
    #[test]
    fn the_typst_version_is_the_one_cargo_pins() {
        let manifest = include_str!("../../Cargo.toml");
        for krate in [
            "typst",
            "typst-pdf",
            "typst-layout",
            "typst-kit",
            "typst-render",
        ] {
            let pin = format!("{krate} = \"={}\"", super::TYPST_VERSION);
            let pinned = format!("{krate} = {{ version = \"={}\"", super::TYPST_VERSION);
            assert!(
                manifest.contains(&pin) || manifest.contains(&pinned),
                "Cargo.toml does not pin {krate} to {}",
                super::TYPST_VERSION
            );
        }
    }
}
