//! Renders recap pages to HTML for the build (`cargo xtask dist`): the paths to render are the
//! arguments; standard output is a JSON array of their HTML, in the same order. The content is
//! the one build.rs compiled in, so the caller sets `SITE_EXTRA_TALKS` as for the wasm build.

fn main() {
    let pages: Vec<String> = std::env::args()
        .skip(1)
        .map(|path| gosf_site::render_recap_page(&path))
        .collect();
    match serde_json::to_string(&pages) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("error: cannot write the rendered pages as JSON: {e}");
            std::process::exit(1);
        }
    }
}
