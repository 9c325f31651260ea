//! `cargo xtask lighthouse`: Lighthouse 12.2.3 (npm, installed into `e2e/lighthouse` on first
//! use) with Debian's Chromium, on mobile defaults, against the release build served as a
//! static host serves it (compressed, cached). Prints the four category scores, the LCP and the
//! Total Blocking Time of every page, once or `RUNS` times (a performance score moves from run
//! to run: several runs show the spread). Figures only, like the benches: not a step of
//! `cargo xtask test` (a score moves with the machine's load, and a test must not flake).

use std::path::Path;

use crate::dist::release_build;
use crate::run::{cmd, root, run, Result};
use crate::serve;
use crate::setup::{setup, Needs};

const CATEGORIES: [&str; 4] = ["performance", "accessibility", "best-practices", "seo"];

pub fn lighthouse(args: &[String]) -> Result {
    let runs = runs_per_page(args)?;
    setup(Needs::All)?;
    let tool = root().join("e2e/lighthouse");
    if !tool.join("node_modules/.bin/lighthouse").exists() {
        let mut c = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
        c.current_dir(&tool);
        run("npm ci in e2e/lighthouse (lighthouse 12.2.3)", c)?;
    }
    release_build("dist", &[])?;
    let content = site::load::load_dirs(&root().join("talks"), &[]).map_err(|e| e.to_string())?;
    let mut paths = vec!["/".to_string()];
    paths.extend(content.listed().map(|t| site::routes::talk_path(&t.slug)));
    paths.push(site::routes::VIEWER.to_string());
    // Lighthouse refuses a 404 answer: the 404 page is audited at its file.
    paths.push("/404.html".to_string());
    let port = serve::spawn(root().join("dist"))?;
    println!("\npage                                         perf  a11y  best  seo   LCP    TBT");
    for path in &paths {
        for _ in 0..runs {
            let report = audit(&tool, &format!("http://127.0.0.1:{port}{path}"))?;
            println!("{}", row(path, &report));
        }
    }
    Ok(())
}

/// `[RUNS]`: how many times each page is audited (default 1).
fn runs_per_page(args: &[String]) -> Result<usize> {
    match args {
        [] => Ok(1),
        [runs] => match runs.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "lighthouse [RUNS]: RUNS is a count of runs per page, not {runs:?}"
            )),
        },
        _ => Err("lighthouse takes at most one argument, RUNS".to_string()),
    }
}

/// One Lighthouse run; its JSON report.
fn audit(tool: &Path, url: &str) -> Result<serde_json::Value> {
    let out = std::env::temp_dir().join(format!("lighthouse-{}.json", std::process::id()));
    let mut c = cmd(
        &tool
            .join("node_modules/.bin/lighthouse")
            .display()
            .to_string(),
        &[url, "--quiet", "--output=json"],
    );
    c.arg(format!("--output-path={}", out.display()))
        .arg(format!("--only-categories={}", CATEGORIES.join(",")))
        .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync")
        .env("CHROME_PATH", "/usr/bin/chromium");
    run(&format!("lighthouse {url}"), c)?;
    let text = std::fs::read_to_string(&out).map_err(|e| format!("no report for {url}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("the report for {url} does not parse: {e}"))
}

/// The report's scores (0-100), LCP and Total Blocking Time, as a table row.
fn row(path: &str, report: &serde_json::Value) -> String {
    let scores: Vec<String> = CATEGORIES
        .iter()
        .map(|c| match report["categories"][c]["score"].as_f64() {
            Some(s) => format!("{:>4.0}", s * 100.0),
            None => "   -".to_string(),
        })
        .collect();
    let lcp = report["audits"]["largest-contentful-paint"]["numericValue"]
        .as_f64()
        .map_or("-".to_string(), |ms| format!("{:.1} s", ms / 1000.0));
    let tbt = report["audits"]["total-blocking-time"]["numericValue"]
        .as_f64()
        .map_or("-".to_string(), |ms| format!("{ms:.0} ms"));
    format!("{path:<44} {}  {lcp:<5}  {tbt}", scores.join("  "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_shows_the_four_scores_the_lcp_and_the_blocking_time() {
        let report = serde_json::json!({
            "categories": {
                "performance": { "score": 0.97 },
                "accessibility": { "score": 1.0 },
                "best-practices": { "score": 0.96 },
                "seo": { "score": null },
            },
            "audits": {
                "largest-contentful-paint": { "numericValue": 1530.0 },
                "total-blocking-time": { "numericValue": 96.4 },
            },
        });
        assert_eq!(
            row("/", &report),
            format!("{:<44}   97   100    96     -  1.5 s  96 ms", "/")
        );
    }

    #[test]
    fn runs_default_to_one_and_must_be_a_positive_count() {
        assert_eq!(runs_per_page(&[]).ok(), Some(1));
        assert_eq!(runs_per_page(&["5".to_string()]).ok(), Some(5));
        for bad in ["0", "-1", "many"] {
            assert!(runs_per_page(&[bad.to_string()]).is_err(), "{bad}");
        }
        assert!(runs_per_page(&["1".to_string(), "2".to_string()]).is_err());
    }
}
