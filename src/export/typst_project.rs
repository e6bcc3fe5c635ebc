//! `build --emit-typst DIR`: each document as a self-contained Typst
//! project that stock Typst turns into the same document: the fixed entry
//! file, the templates in effect, the prepared data, the images it places,
//! and a `compile.sh` with the `typst compile` line. The bundled fonts are
//! written once, to `DIR/fonts/`, for every project there.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;

use crate::fsgate::{Gate, GateError};
use crate::model::common::days_from_civil;
use crate::prepare::Prepared;
use crate::typeset::TYPST_VERSION;
use crate::typeset::Typesetter;
use crate::typeset::fonts::BUNDLED;
use crate::typeset::output::{self, Part};
use crate::typeset::templates;

/// The file stock Typst compiles: the same entry briefpress's world serves.
pub const MAIN: &str = "main.typ";

/// Writes the project of one document into `dir/<id>/`, returning it.
/// Every file it copies is the one briefpress's own world reads: through
/// the project's gate, the same bytes.
pub fn emit(typesetter: &Typesetter, prepared: &Prepared, dir: &Path) -> Result<PathBuf, String> {
    let project = dir.join(&prepared.id);
    let source = typesetter.project();
    let gate = source.gate();
    let write = |relative: &str, bytes: &[u8]| -> Result<(), String> {
        gate.write(&project.join(relative), bytes)
            .map_err(|err| err.to_string())
    };
    write(MAIN, templates::entry(prepared.kind.name()).as_bytes())?;
    write(templates::DATA_PATH.trim_start_matches('/'), &prepared.data)?;
    write(
        templates::OUTPUT_PATH.trim_start_matches('/'),
        &output::json(typesetter.project().profile(), Part::Whole),
    )?;
    for (name, builtin) in templates::builtin_files() {
        let inside = source.templates_inside().join(name);
        let text = match gate.read(&inside, source.limits().template_bytes) {
            Ok(data) => data.bytes.clone(),
            Err(GateError::NotFound) => Bytes::new(builtin.as_bytes()),
            Err(why) => {
                return Err(format!(
                    "the template {} is refused: {why}",
                    gate.absolute(&inside).display()
                ));
            }
        };
        write(&format!("templates/{name}"), &text)?;
    }
    let assets = prepared
        .images
        .iter()
        .map(|image| image.path.clone())
        .chain(typesetter.project().config().publication.logo.clone());
    for asset in assets {
        let inside = asset.trim_start_matches('/');
        // Checked when the document was prepared; the same bytes.
        let data = gate
            .read(Path::new(inside), source.limits().image_bytes)
            .map_err(|why| format!("cannot read {asset}: {why}"))?;
        write(inside, &data.bytes)?;
    }
    let standards: Vec<String> = typesetter
        .project()
        .standards()
        .iter()
        .map(|s| format!(" --pdf-standard {}", s.name()))
        .collect();
    let date = prepared.stamp;
    write(
        "compile.sh",
        format!(
            "#!/bin/sh\n\
             # Compiles this project with stock Typst {TYPST_VERSION} into {id}.pdf, with the\n\
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
    write_fonts(gate, &dir.join("fonts"))?;
    Ok(project)
}

/// The bundled fonts and their licence, once per folder.
fn write_fonts(gate: &Gate, fonts: &Path) -> Result<(), String> {
    for font in BUNDLED {
        let path = fonts.join(font.file);
        if path
            .metadata()
            .is_ok_and(|m| m.len() == font.data.len() as u64)
        {
            continue;
        }
        gate.write(&path, font.data)
            .map_err(|err| err.to_string())?;
    }
    gate.write(
        &fonts.join("OFL.txt"),
        include_bytes!("../../fonts/OFL.txt"),
    )
    .map_err(|err| err.to_string())
}
