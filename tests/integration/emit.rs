//! `build --emit-typst`: the exported project, compiled through the
//! file-system path of the embedded compiler (as stock `typst compile`
//! reads a folder), gives the document briefpress builds.

use std::path::PathBuf;

use briefpress::build::document;
use briefpress::export;
use briefpress::typeset::{folder, fonts};
use typst::foundations::Datetime;

use crate::support::{TempProject, pdf_info, pdf_text, repo, run_in};

#[test]
fn an_exported_project_compiles_to_the_same_document() {
    let temp = TempProject::new("emit");
    for article in [
        "briefs/central-asia/china-bri-security.toml",
        "briefs/central-asia/china-tajikistan-security.toml",
    ] {
        let direct = temp.path("direct.pdf");
        let dir = temp.path("typst");
        let run = run_in(
            &repo(),
            &[
                "build",
                article,
                "-o",
                direct.to_str().unwrap(),
                "--emit-typst",
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);

        // The prepared document, for the export options (ident, date).
        let project = briefpress::load::project::Project::open(&repo()).unwrap();
        let typesetter =
            briefpress::typeset::Typesetter::new(project, fonts::load(&[] as &[PathBuf]).unwrap());
        let ready = document::ready(
            &typesetter,
            &repo().join(article),
            std::path::Path::new(article),
        )
        .unwrap();
        let id = &ready.prepared.id;
        let root = dir.join(id);
        assert!(
            root.join("compile.sh").is_file() && dir.join("fonts/NotoSerif-Regular.ttf").is_file()
        );
        let script = std::fs::read_to_string(root.join("compile.sh")).unwrap();
        assert!(
            script.contains("typst compile --root . --font-path ../fonts --ignore-system-fonts"),
            "{script}"
        );

        let date = ready.prepared.stamp;
        let today =
            Datetime::from_ymd(date.year, date.month.unwrap_or(1), date.day.unwrap_or(1)).unwrap();
        let document = folder::compile_folder(
            &root,
            "main.typ",
            fonts::load(&[] as &[PathBuf]).unwrap(),
            today,
        )
        .unwrap_or_else(|e| panic!("the exported project does not compile: {e}"));
        let standards = typesetter.project().standards();
        let pdf = export::pdf::export(
            &document,
            &ready.prepared.id,
            ready.prepared.stamp,
            &standards,
            typesetter.project().time(),
        )
        .unwrap();
        let exported = temp.path("exported.pdf");
        std::fs::write(&exported, pdf).unwrap();

        assert_eq!(
            pdf_info(&exported, "Pages"),
            pdf_info(&direct, "Pages"),
            "{article}"
        );
        assert_eq!(pdf_text(&exported), pdf_text(&direct), "{article}");
    }
}
