//! The print profile (boxes, crop marks outside the bleed, spot inks,
//! whole sheets, a separate cover, the 300 dpi preflight) and the screen
//! profile's images resampled to 200 dpi.

use std::path::Path;
use std::process::Command;

use lopdf::{Document, Object};

use crate::support::{
    TempProject, assert_low_resolution, pdf_image_widths, pdf_page_text, pdf_xmp, repo, run_in,
};

/// 13 mm (3 mm bleed + 10 mm slug) and 3 mm, in points.
const BLEED_AND_SLUG: f64 = 13.0 * 72.0 / 25.4;
const BLEED: f64 = 3.0 * 72.0 / 25.4;

/// Every page's MediaBox, BleedBox and TrimBox.
fn boxes(pdf: &Path) -> Vec<[[f64; 4]; 3]> {
    let document = Document::load(pdf).unwrap();
    document
        .get_pages()
        .values()
        .map(|&id| {
            let page = document.get_dictionary(id).unwrap();
            ["MediaBox", "BleedBox", "TrimBox"].map(|key| {
                let values: Vec<f64> = page
                    .get(key.as_bytes())
                    .unwrap_or_else(|_| panic!("no {key} in {}", pdf.display()))
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_float().map(f64::from).unwrap())
                    .collect();
                values.try_into().unwrap()
            })
        })
        .collect()
}

#[track_caller]
fn assert_near(found: [f64; 4], expected: [f64; 4], what: &str) {
    for (f, e) in found.iter().zip(expected) {
        assert!(
            (f - e).abs() < 0.05,
            "{what}: {found:?}, expected {expected:?}"
        );
    }
}

/// The names of the PDF's Separation colour spaces.
fn separations(pdf: &Path) -> Vec<String> {
    let document = Document::load(pdf).unwrap();
    let mut names: Vec<String> = document
        .objects
        .values()
        .flat_map(|object| {
            let mut found = Vec::new();
            collect_separations(object, &mut found);
            found
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

fn collect_separations(object: &Object, found: &mut Vec<String>) {
    match object {
        Object::Array(items) => {
            if let [Object::Name(kind), Object::Name(name), ..] = items.as_slice()
                && kind == b"Separation"
            {
                found.push(String::from_utf8_lossy(name).into_owned());
            }
            for item in items {
                collect_separations(item, found);
            }
        }
        Object::Dictionary(dict) => {
            for (_, value) in dict.iter() {
                collect_separations(value, found);
            }
        }
        _ => {}
    }
}

/// Page `page` rendered in grey at 144 dpi (2 pixels a point), the whole
/// MediaBox: (width, height, pixels from the top left).
fn render(pdf: &Path, page: usize, dir: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = dir.join(format!("page{page}"));
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "144", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is needed by the tests");
    assert!(status.success());
    let bytes = std::fs::read(prefix.with_extension("pgm")).unwrap();
    // P5 <width> <height> 255 <pixels>
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (width, height, bytes[at + 1..].to_vec())
}

/// The widest raster image of a PDF, in pixels.
fn widest_image(pdf: &Path) -> i64 {
    pdf_image_widths(pdf).into_iter().max().unwrap_or(0)
}

#[test]
fn a_printed_issue_has_its_boxes_marks_inks_whole_sheets_and_own_cover() {
    let temp = TempProject::new("print-issue");
    let run = run_in(
        &repo(),
        &[
            "build",
            "briefs/issues",
            "--profile",
            "print",
            "--out-dir",
            temp.path("out").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Print PDFs (and their catalogue) go to the output folder's print/.
    let out = temp.path("out/print");
    let interior = out.join("issues/oe-watch-2024-02.pdf");
    let cover = out.join("issues/oe-watch-2024-02-cover.pdf");

    // The cover alone in its PDF; the interior from the contents on, in
    // whole sheets of four pages.
    let interior_pages = boxes(&interior);
    assert_eq!(boxes(&cover).len(), 1);
    assert!(
        !interior_pages.is_empty() && interior_pages.len().is_multiple_of(4),
        "{} interior pages",
        interior_pages.len()
    );
    // The cover headline balanced: no word alone on its last line.
    let cover_text = pdf_page_text(&cover, 1);
    assert!(
        cover_text.contains("Central Asia between\nMoscow and Beijing"),
        "{cover_text}"
    );
    assert!(pdf_page_text(&interior, 1).contains("Contents"));

    // US Letter trim; 3 mm bleed; 13 mm of bleed and slug to the sheet's edge.
    let (w, h) = (612.0, 792.0);
    let m = BLEED_AND_SLUG;
    for (index, [media, bleed, trim]) in interior_pages.iter().chain(&boxes(&cover)).enumerate() {
        let what = format!("page {}", index + 1);
        assert_near(
            *media,
            [0.0, 0.0, w + 2.0 * m, h + 2.0 * m],
            &format!("MediaBox, {what}"),
        );
        assert_near(*trim, [m, m, m + w, m + h], &format!("TrimBox, {what}"));
        assert_near(
            *bleed,
            [m - BLEED, m - BLEED, m + w + BLEED, m + h + BLEED],
            &format!("BleedBox, {what}"),
        );
    }

    // Crop marks: on the contents page (nothing there runs into the
    // bleed) dark pixels at each corner outside the BleedBox, and none
    // between the TrimBox and the BleedBox.
    let (width, height, pixels) = render(&interior, 1, &temp.root);
    let scale = 2.0;
    let dark = |x: usize, y: usize| pixels[y * width + x] < 160;
    let px = |pt: f64| (pt * scale).round() as usize;
    let (bleed_left, bleed_top) = (px(m - BLEED), px(m - BLEED));
    let (bleed_right, bleed_bottom) = (px(m + w + BLEED), px(m + h + BLEED));
    let (trim_left, trim_top, trim_right, trim_bottom) = (px(m), px(m), px(m + w), px(m + h));
    let corners = [
        (0..bleed_left, 0..bleed_top + px(10.0)),
        (bleed_right..width, 0..bleed_top + px(10.0)),
        (0..bleed_left, bleed_bottom - px(10.0)..height),
        (bleed_right..width, bleed_bottom - px(10.0)..height),
    ];
    for (xs, ys) in corners.clone() {
        let marked = ys.clone().any(|y| xs.clone().any(|x| dark(x, y)));
        assert!(marked, "no crop mark at x {xs:?}, y {ys:?}");
    }
    for y in bleed_top..bleed_bottom {
        for x in bleed_left..bleed_right {
            let in_trim = (trim_left + 2..trim_right - 2).contains(&x)
                && (trim_top + 2..trim_bottom - 2).contains(&y);
            assert!(
                in_trim || !dark(x, y),
                "a mark reaches into the bleed at ({x}, {y}) px"
            );
        }
    }

    // The brand colours are spot inks, and the marks print on every plate.
    let inks = separations(&interior);
    for ink in ["PANTONE 2767 C", "Secondary 555555", "All"] {
        assert!(inks.contains(&ink.to_string()), "{inks:?}");
    }

    // Still PDF/A-2b and PDF/UA-1 after the boxes were added.
    let xmp = pdf_xmp(&interior);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");

    // The catalogue lists the cover with its interior, not apart.
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("Cover: <a href=\"issues/oe-watch-2024-02-cover.pdf\">"),
        "{index}"
    );
    assert_eq!(index.matches("<h3>").count(), 1 + 5, "{index}");
}

#[test]
fn print_refuses_images_under_300_dpi_where_screen_builds() {
    let project = TempProject::new("preflight");
    project.sample_article(960, 540);
    let run = project.run(&["build", "--profile", "print"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_low_resolution(&run.stderr, "error");
    for pdf in [
        "out/print/central-asia/china-bri-security.pdf",
        "out/central-asia/china-bri-security.pdf",
    ] {
        assert!(!project.path(pdf).exists(), "{pdf}");
    }

    // `check --deep --profile print` finds the same errors (without a
    // profile it warns: tests/integration/check.rs).
    let run = project.run(&["check", "--deep", "--profile", "print"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_low_resolution(&run.stderr, "error");

    let run = project.run(&["build", "--profile", "screen"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn screen_pdfs_carry_images_at_200_dpi_print_pdfs_the_originals() {
    // 3,000 pixels placed 6.6 inches wide: 455 dpi.
    let project = TempProject::new("resample");
    project.sample_article(3000, 1688);
    let screen = project.path("screen.pdf");
    let print = project.path("print.pdf");
    for (profile, pdf) in [("screen", &screen), ("print", &print)] {
        let run = project.run(&[
            "build",
            "briefs/central-asia/china-bri-security.toml",
            "--profile",
            profile,
            "-o",
            pdf.to_str().unwrap(),
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let resampled = widest_image(&screen);
    assert!(
        (1315..=1325).contains(&resampled),
        "6.6 in at 200 dpi is 1,320 pixels, found {resampled}"
    );
    assert_eq!(widest_image(&print), 3000);
    // A build with -o keeps its screen copy in the project's output folder
    // for the next build; print builds make none.
    let kept = std::fs::read_dir(project.path("out/.briefpress-cache/resampled"))
        .map_or(0, |dir| dir.count());
    assert_eq!(kept, 1);
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    assert!(
        size(&screen) < size(&print),
        "{} vs {}",
        size(&screen),
        size(&print)
    );
}

/// Screen copies of images are made once. The first build into a folder
/// keeps each in `.briefpress-cache/resampled/` (hidden: not listed in
/// `SHA256SUMS`); a forced rebuild takes it from there (a kept copy
/// replaced by black pixels, with its checksum made right, prints black);
/// a damaged copy is not used (the rebuild prints the photograph again).
#[test]
fn resampled_images_are_kept_between_builds_and_checked_when_read() {
    let project = TempProject::new("resample-cache");
    project.sample_article(3000, 1688);
    let pdf = project.path("out/central-asia/china-bri-security.pdf");
    let build = || {
        // The whole project, so that the catalogue and SHA256SUMS are written.
        let run = project.run(&["build", "--force"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        std::fs::read(&pdf).unwrap()
    };
    let first = build();
    let kept: Vec<_> = std::fs::read_dir(project.path("out/.briefpress-cache/resampled"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "one image, one copy: {kept:?}");
    let sums = std::fs::read_to_string(project.path("out/SHA256SUMS")).unwrap();
    assert!(
        sums.contains("central-asia/china-bri-security.pdf"),
        "{sums}"
    );
    assert!(!sums.contains(".briefpress-cache"), "{sums}");

    // Unchanged, the copy gives the same bytes.
    assert_eq!(build(), first);

    // A black copy under a right checksum is taken as made: proof it is read.
    let stored = std::fs::read(&kept[0]).unwrap();
    // The sum is the content hash Typst computes of the copy's bytes.
    let black = vec![0u8; stored.len() - 16];
    let mut forged = typst::utils::hash128(black.as_slice())
        .to_be_bytes()
        .to_vec();
    forged.extend_from_slice(&black);
    std::fs::write(&kept[0], &forged).unwrap();
    let from_black = build();
    assert_ne!(from_black, first, "the kept copy was not used");

    // A damaged copy is refused and made again: the photograph is back.
    let mut damaged = forged;
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    std::fs::write(&kept[0], &damaged).unwrap();
    assert_eq!(build(), first);
    assert_eq!(
        std::fs::read(&kept[0]).unwrap(),
        stored,
        "made again and kept"
    );
}

/// Screen PDFs are laid out with stand-ins for their PNG and JPEG images
/// (black pixels, one grey byte each, of the same size and metadata:
/// `src/typeset/stand_in.rs`), each swapped for its resampled copy or its
/// original before anything is drawn. None reaches a PDF: not through a
/// copy (a 3,000-pixel JPEG), an original placed at about its size (the
/// issue's cover), or an SVG linking a PNG the issue also places itself
/// (the SVG's decoder is served the PNG as it is), in the issue or its
/// members' PDFs; and the issue's images are the same whether their copies
/// were kept from an earlier build or made.
#[test]
fn no_stand_in_reaches_a_screen_pdf() {
    let project = TempProject::new("stand-ins");
    project.png("briefs/images/photo.png", 1700, 956);
    let shot = image::RgbImage::from_fn(3000, 1688, |x, y| {
        image::Rgb([(x / 12) as u8, (y / 7) as u8, ((x + y) / 19) as u8])
    });
    let mut jpeg = Vec::new();
    shot.write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    project.write("briefs/images/shot.jpg", jpeg);
    project.write(
        "briefs/images/frame.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"170\" height=\"96\">\
         <image width=\"170\" height=\"96\" href=\"photo.png\"/></svg>",
    );
    let sample = std::fs::read_to_string(
        crate::support::repo().join("briefs/central-asia/china-bri-security.toml"),
    )
    .unwrap();
    for (id, image) in [("a", "shot.jpg"), ("b", "frame.svg")] {
        let text = sample
            .replace("id = \"china-bri-security\"", &format!("id = \"{id}\""))
            .replace("images/kyrgyz-highway.png", &format!("images/{image}"));
        project.write(&format!("briefs/{id}.toml"), text);
    }
    project.write(
        "briefs/issue.toml",
        "kind = \"issue\"\nid = \"issue\"\npublication = \"The Test\"\nvolume = 1\nnumber = 1\ndate = \"2024-02\"\n\
         [cover]\npath = \"images/photo.png\"\nalt = \"A photograph.\"\ncaption = \"A cover.\"\n\
         source = \"Test\"\nlicense = \"CC0 1.0\"\n\
         [[sections]]\nname = \"One\"\narticles = [\"a.toml\", \"b.toml\"]\n",
    );
    // The issue alone first: built with its members, the SVG may be
    // decoded for its member's PDF first, and Typst's memoized decoder may
    // hand the issue that.
    let build = |alone: bool| {
        let mut args = vec!["build", "briefs/issue.toml", "--force"];
        args.extend(alone.then_some("--no-members"));
        let run = project.run(&args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        crate::support::files_named(&project.path("out"), "pdf")
    };
    let images = |pdf: &Path| -> Vec<(i64, bool)> {
        let document = Document::load(pdf).unwrap();
        document
            .objects
            .values()
            .filter_map(|object| object.as_stream().ok())
            .filter(|stream| {
                stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image")
            })
            .filter(|stream| stream.dict.get(b"SMask").is_ok() || !is_mask(&document, stream))
            .map(|stream| {
                let width = stream.dict.get(b"Width").and_then(Object::as_i64).unwrap();
                (width, grey(&document, stream))
            })
            .collect()
    };
    let no_stand_in_drawn = |pdfs: &[std::path::PathBuf]| {
        for pdf in pdfs {
            let found = images(pdf);
            assert!(
                found.iter().all(|(_, grey)| !grey),
                "{}: a grey image, a stand-in drawn: {found:?}",
                pdf.display()
            );
        }
    };
    no_stand_in_drawn(&build(true));
    let pdfs = build(false);
    assert!(pdfs.len() >= 3, "the issue and its two members: {pdfs:?}");
    no_stand_in_drawn(&pdfs);
    let issue = project.path("out/issue.pdf");
    let issue_images = images(&issue);
    // The JPEG's copy (1,320 wide), the cover's original and the PNG the
    // SVG links.
    assert!(
        issue_images
            .iter()
            .any(|(width, _)| (1315..=1325).contains(width)),
        "{issue_images:?}"
    );
    assert!(
        issue_images
            .iter()
            .filter(|(width, _)| *width == 1700)
            .count()
            >= 1,
        "{issue_images:?}"
    );
    let first = std::fs::read(&issue).unwrap();
    // Built again, the copies come from the cache: the same bytes.
    build(false);
    assert_eq!(std::fs::read(&issue).unwrap(), first);
}

/// Whether an image stream is another image's soft mask (grey by nature).
fn is_mask(document: &Document, stream: &lopdf::Stream) -> bool {
    let id = document
        .objects
        .iter()
        .find(|(_, object)| {
            object
                .as_stream()
                .ok()
                .is_some_and(|s| std::ptr::eq(s, stream))
        })
        .map(|(id, _)| *id);
    document.objects.values().any(|object| {
        object
            .as_stream()
            .ok()
            .is_some_and(|other| other.dict.get(b"SMask").and_then(Object::as_reference).ok() == id)
    })
}

/// Whether an image's colour space has one component.
fn grey(document: &Document, stream: &lopdf::Stream) -> bool {
    let space = match stream.dict.get(b"ColorSpace") {
        Ok(Object::Reference(id)) => document.get_object(*id).ok(),
        other => other.ok(),
    };
    match space {
        Some(Object::Name(name)) => name == b"DeviceGray",
        Some(Object::Array(parts)) => parts.get(1).is_some_and(|icc| {
            let icc = match icc {
                Object::Reference(id) => document.get_object(*id).ok(),
                other => Some(other),
            };
            icc.and_then(|icc| icc.as_stream().ok())
                .and_then(|icc| icc.dict.get(b"N").and_then(Object::as_i64).ok())
                == Some(1)
        }),
        _ => false,
    }
}
