//! `briefpress preview PATH`: pages of a document as PNG images, to see a
//! page without a PDF viewer.

use std::path::PathBuf;
use std::process::ExitCode;

use briefpress::build::Engine;
use clap::Args;

use super::ProjectArgs;
use super::report::{Console, Reporter};

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The document to preview, and where its project is.
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Only this page (from 1) [default: every page].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page: Option<u32>,

    /// Resolution of the images.
    #[arg(long, value_name = "DPI", default_value_t = 96.0, value_parser = parse_dpi)]
    pub dpi: f64,

    /// Folder for the images, named <id>-<page>.png [default: the output
    /// folder, `out/preview`].
    #[arg(short, long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

fn parse_dpi(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(dpi) if (10.0..=1200.0).contains(&dpi) => Ok(dpi),
        _ => Err(format!("`{text}` is not a resolution from 10 to 1200 dpi")),
    }
}

pub fn run(args: &PreviewArgs, reporter: &Reporter) -> ExitCode {
    let [path] = args.project.paths.as_slice() else {
        return reporter.usage_error("preview takes one document");
    };
    let mut console = Console::new(reporter);
    let options = match args.project.options() {
        Ok(options) => options,
        Err(message) => return reporter.usage_error(&message),
    };
    let engine = match Engine::new(options, &mut console) {
        Ok(engine) if engine.projects().count() == 1 => engine,
        Ok(_) => return reporter.usage_error("preview takes one document"),
        Err(stop) => return reporter.stopped(&stop),
    };
    let Some(project) = engine.projects().next() else {
        return reporter.usage_error("preview takes one document");
    };
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| project.out_dir().join("preview"));
    let (id, document) = match engine.lay_out() {
        Ok(done) => done,
        Err(problems) => {
            reporter.failure(path, &problems);
            return ExitCode::from(1);
        }
    };
    let pages = document.pages();
    let chosen: Vec<usize> = match args.page {
        Some(page) if page as usize > pages.len() => {
            return reporter.usage_error(&format!(
                "page {page} does not exist: the document has {} page{}",
                pages.len(),
                if pages.len() == 1 { "" } else { "s" }
            ));
        }
        Some(page) => vec![page as usize],
        None => (1..=pages.len()).collect(),
    };
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(args.dpi / 72.0),
        ..Default::default()
    };
    for number in chosen {
        let pixmap = typst_render::render(&pages[number - 1], &options);
        let target = out_dir.join(format!("{id}-{number}.png"));
        let written = pixmap
            .encode_png()
            .map_err(|err| err.to_string())
            .and_then(|png| {
                project
                    .gate()
                    .write(&target, &png)
                    .map_err(|err| err.to_string())
            });
        if let Err(err) = written {
            return reporter.usage_error(&err);
        }
        reporter.line(&format!(
            "wrote   {} ({} x {} px)",
            target.display(),
            pixmap.width(),
            pixmap.height()
        ));
    }
    ExitCode::SUCCESS
}
