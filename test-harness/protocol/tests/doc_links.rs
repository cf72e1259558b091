//! Every relative link in the repository's Markdown (README.md, the guide under docs/, the
//! crates' READMEs) resolves: the file or directory exists, and a `#anchor` names a heading of
//! the Markdown file it points at. Anchors follow the rule GitHub and mdBook share: the
//! heading's text in lower case, spaces as `-`, punctuation dropped.
//!
//! It lives here because this crate has no dependencies, so the check costs nothing to build.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root: this crate is `test-harness/protocol`.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `*.md` under `dir`, skipping build output, hidden directories and vendored trees.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                markdown_files(&path, out);
            }
        } else if name.ends_with(".md") {
            out.push(path);
        }
    }
}

/// The lines of `text` outside fenced code blocks, with inline code spans removed.
fn prose_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Drop `code spans` (an odd backtick out leaves the rest of the line as is).
        let mut kept = String::new();
        let mut parts = line.split('`');
        let mut inside = false;
        for part in parts.by_ref() {
            if !inside {
                kept.push_str(part);
            }
            inside = !inside;
        }
        lines.push(kept);
    }
    lines
}

/// The anchor GitHub and mdBook give a heading's text.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown file's headings, with GitHub's `-1`, `-2` for repeats.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        // Link text only, for a heading that holds a link.
        let title = title.replace("](", "]\u{0}(");
        let title: String = title
            .split('\u{0}')
            .map(|part| match part.find(')') {
                Some(end) if part.starts_with('(') => &part[end + 1..],
                _ => part,
            })
            .collect();
        let base = slug(&title.replace(['[', ']', '`', '*'], ""));
        let mut anchor = base.clone();
        let mut n = 0;
        while !seen.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
    }
    seen
}

/// The link destinations of inline links `[text](dest)` in the prose of `text`.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose_lines(text) {
        let mut rest = line.as_str();
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(')') else { break };
            let dest = rest[..end].split_whitespace().next().unwrap_or("");
            out.push(dest.trim_matches(['<', '>']).to_string());
            rest = &rest[end + 1..];
        }
    }
    out
}

/// The broken relative links of every Markdown file under `root`, as `file: link (why)`.
fn broken_links(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("Markdown is UTF-8");
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        for dest in links(&text) {
            if dest.is_empty() || dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match dest.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (dest.as_str(), None),
            };
            let target = if path.is_empty() {
                file.clone()
            } else {
                file.parent().expect("a file has a parent").join(path)
            };
            if !target.exists() {
                broken.push(format!("{shown}: {dest} (no such file or directory)"));
                continue;
            }
            if let Some(anchor) = anchor {
                if target.extension().is_some_and(|e| e == "md") {
                    let headings = anchors(&fs::read_to_string(&target).expect("UTF-8"));
                    if !headings.contains(anchor) {
                        broken.push(format!("{shown}: {dest} (no heading with that anchor)"));
                    }
                }
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_in_the_repository_markdown_resolves() {
    let root = repo_root();
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("docs/SUMMARY.md")),
        "the guide's docs/SUMMARY.md was not found under {}",
        root.display()
    );
    let broken = broken_links(&root);
    assert!(
        broken.is_empty(),
        "broken relative links in the Markdown files:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn a_missing_file_and_a_missing_anchor_are_reported() {
    let dir = std::env::temp_dir().join(format!("doc-links-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("docs")).unwrap();
    fs::write(
        dir.join("README.md"),
        "# Top\n\n## Using `cargo xous`: the tool\n\n[ok](docs/page.md#a-heading) \
         [ok](#using-cargo-xous-the-tool) [ok](https://example.com/x.md) `[code](none.md)`\n\
         [gone](docs/missing.md) [bad anchor](docs/page.md#nowhere)\n\n```\n[fenced](no.md)\n```\n",
    )
    .unwrap();
    fs::write(dir.join("docs/page.md"), "# Page\n\n## A heading\n").unwrap();
    let broken = broken_links(&dir);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        broken,
        [
            "README.md: docs/missing.md (no such file or directory)",
            "README.md: docs/page.md#nowhere (no heading with that anchor)",
        ]
    );
}
