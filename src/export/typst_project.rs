//! `build --emit-typst DIR`: each document as a self-contained Typst
//! project that stock Typst turns into the same document: the fixed entry
//! file, the templates in effect, the prepared data, the images it places,
//! and a `compile.sh` with the `typst compile` line. The bundled fonts are
//! written once, to `DIR/fonts/`, for every project there.

use std::path::{Path, PathBuf};

use crate::model::common::days_from_civil;
use crate::prepare::Prepared;
use crate::typeset::Typesetter;
use crate::typeset::fonts::BUNDLED;
use crate::typeset::output::{self, Part};
use crate::typeset::templates;

/// The file stock Typst compiles: the same entry briefpress's world serves.
pub const MAIN: &str = "main.typ";

/// Writes the project of one document into `dir/<id>/`, returning it.
pub fn emit(typesetter: &Typesetter, prepared: &Prepared, dir: &Path) -> Result<PathBuf, String> {
    let project = dir.join(&prepared.id);
    let write = |relative: &str, bytes: &[u8]| -> Result<(), String> {
        let path = project.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        super::write::write_atomic(&path, bytes)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))
    };
    write(MAIN, templates::entry(prepared.template).as_bytes())?;
    write(templates::DATA_PATH.trim_start_matches('/'), &prepared.data)?;
    write(
        templates::OUTPUT_PATH.trim_start_matches('/'),
        &output::json(typesetter.project().profile(), Part::Whole),
    )?;
    let own = typesetter.project().templates_dir();
    for (name, builtin) in templates::builtin_files() {
        let text = std::fs::read(own.join(name)).unwrap_or_else(|_| builtin.as_bytes().to_vec());
        write(&format!("templates/{name}"), &text)?;
    }
    let root = typesetter.project().root();
    let assets = prepared
        .images
        .iter()
        .map(|image| image.path.clone())
        .chain(typesetter.project().config().publication.logo.clone());
    for asset in assets {
        let inside = asset.trim_start_matches('/');
        let bytes = std::fs::read(root.join(inside))
            .map_err(|err| format!("cannot read {asset}: {err}"))?;
        write(inside, &bytes)?;
    }
    let standards: Vec<String> = typesetter
        .project()
        .standards()
        .iter()
        .map(|s| format!(" --pdf-standard {s}"))
        .collect();
    let date = prepared.date;
    write(
        "compile.sh",
        format!(
            "#!/bin/sh\n\
             # Compiles this project with stock Typst 0.15.1 into {id}.pdf, with the\n\
             # fonts briefpress bundles (in ../fonts) and none of the system's.\n\
             cd \"$(dirname \"$0\")\" || exit 1\n\
             exec typst compile --root . --font-path ../fonts --ignore-system-fonts \
             --creation-timestamp {seconds}{standards} {MAIN} {id}.pdf\n",
            id = prepared.id,
            seconds = {
                let (year, month, day) = date.first_day();
                days_from_civil(year, month, day) * 86_400
            },
            standards = standards.concat(),
        )
        .as_bytes(),
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let script = project.join("compile.sh");
        let _ = std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755));
    }
    write_fonts(&dir.join("fonts"))?;
    Ok(project)
}

/// The bundled fonts and their licence, once per folder.
fn write_fonts(fonts: &Path) -> Result<(), String> {
    std::fs::create_dir_all(fonts)
        .map_err(|err| format!("cannot create {}: {err}", fonts.display()))?;
    for font in BUNDLED {
        let path = fonts.join(font.file);
        if path
            .metadata()
            .is_ok_and(|m| m.len() == font.data.len() as u64)
        {
            continue;
        }
        super::write::write_atomic(&path, font.data)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    super::write::write_atomic(
        &fonts.join("OFL.txt"),
        include_bytes!("../../fonts/OFL.txt"),
    )
    .map_err(|err| format!("cannot write the font licence: {err}"))
}
