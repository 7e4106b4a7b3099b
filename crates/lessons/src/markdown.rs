//! The two Markdown extensions lesson texts use, found without rendering the Markdown:
//!
//! - ```` ```bash run ```` — a command block with a button that types it into the terminal;
//! - ```` ```yaml file=pod.yaml ```` — a file block with a button that opens its content
//!   in the editor as `pod.yaml` (relative to the home directory).
//!
//! The page renders the rest with an ordinary CommonMark renderer (and sanitises it);
//! [`fences`] tells it where the buttons go, and [`links`] lets the loader check that
//! links point at lesson files or at http(s) pages.

/// What clicking a fenced block does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FenceAction {
    /// Nothing: an ordinary code block.
    None,
    /// Types the block into the terminal and runs it.
    Run,
    /// Opens the block's content in the editor under this path.
    File(String),
}

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// 1-based line of the opening fence.
    pub line: u32,
    /// The first word of the info string (`bash`, `yaml`), possibly empty.
    pub lang: String,
    pub action: FenceAction,
    /// The lines between the fences, each ending in `\n`.
    pub body: String,
}

/// A problem in a lesson's Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    /// 1-based line.
    pub line: u32,
    pub message: String,
}

/// A link or image target outside code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// 1-based line.
    pub line: u32,
    pub target: String,
}

/// The fenced code blocks of `text`, in order, or the first malformed one.
pub fn fences(text: &str) -> Result<Vec<Fence>, MarkdownError> {
    let mut out = Vec::new();
    let mut open: Option<(Opening, u32, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        match &mut open {
            Some((opening, start, body)) => {
                if opening.closed_by(line) {
                    let (lang, action) = info(&opening.info).map_err(|message| MarkdownError { line: *start, message })?;
                    out.push(Fence { line: *start, lang, action, body: std::mem::take(body) });
                    open = None;
                } else {
                    body.push_str(strip_indent(line, opening.indent));
                    body.push('\n');
                }
            }
            None => {
                if let Some(opening) = Opening::parse(line) {
                    open = Some((opening, n, String::new()));
                }
            }
        }
    }
    if let Some((_, start, _)) = open {
        return Err(MarkdownError { line: start, message: "code block is not closed".into() });
    }
    Ok(out)
}

/// Link and image targets (`[text](target)`, `![alt](target)`) outside code blocks and
/// code spans.
pub fn links(text: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut fence: Option<Opening> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(opening) = &fence {
            if opening.closed_by(line) {
                fence = None;
            }
            continue;
        }
        if let Some(opening) = Opening::parse(line) {
            fence = Some(opening);
            continue;
        }
        let mut in_code = false;
        let bytes = line.as_bytes();
        let mut k = 0;
        while k < bytes.len() {
            match bytes[k] {
                b'`' => in_code = !in_code,
                b']' if !in_code && bytes.get(k + 1) == Some(&b'(') => {
                    if let Some(end) = line[k + 2..].find(')') {
                        let inner = line[k + 2..k + 2 + end].trim();
                        // `[a](url "title")`: the target is the first word.
                        let target = inner.split_whitespace().next().unwrap_or("");
                        let target = target.trim_start_matches('<').trim_end_matches('>');
                        out.push(Link { line: i as u32 + 1, target: target.to_string() });
                        k += 2 + end;
                    }
                }
                _ => {}
            }
            k += 1;
        }
    }
    out
}

/// Where a link may point, as the loader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// `http://` or `https://`.
    Web,
    /// `#section` within the page.
    Anchor,
    /// A file of the lesson folder.
    File(String),
    /// Anything else (`javascript:`, `file:`, an absolute path): not allowed.
    Forbidden,
}

/// Classifies a link target.
pub fn link_kind(target: &str) -> LinkKind {
    let lower = target.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        LinkKind::Web
    } else if target.starts_with('#') {
        LinkKind::Anchor
    } else if target.is_empty() || target.contains(':') || target.starts_with('/') || target.starts_with('\\') {
        LinkKind::Forbidden
    } else {
        let path = target.split(['#', '?']).next().unwrap_or("");
        LinkKind::File(path.to_string())
    }
}

/// An opening code fence.
struct Opening {
    ch: u8,
    len: usize,
    indent: usize,
    info: String,
}

impl Opening {
    fn parse(line: &str) -> Option<Opening> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent > 3 {
            return None;
        }
        let rest = &line[indent..];
        let ch = *rest.as_bytes().first()?;
        if ch != b'`' && ch != b'~' {
            return None;
        }
        let len = rest.bytes().take_while(|b| *b == ch).count();
        if len < 3 {
            return None;
        }
        let info = rest[len..].trim().to_string();
        // A backtick fence's info string may not contain backticks (CommonMark).
        if ch == b'`' && info.contains('`') {
            return None;
        }
        Some(Opening { ch, len, indent, info })
    }

    fn closed_by(&self, line: &str) -> bool {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent > 3 {
            return false;
        }
        let rest = &line[indent..];
        let len = rest.bytes().take_while(|b| *b == self.ch).count();
        len >= self.len && rest[len..].trim().is_empty()
    }
}

fn strip_indent(line: &str, indent: usize) -> &str {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    &line[spaces.min(indent)..]
}

/// Reads an info string: a language, then `run` or `file=PATH`.
fn info(info: &str) -> Result<(String, FenceAction), String> {
    let mut words = info.split_whitespace();
    let lang = words.next().unwrap_or("").to_string();
    let mut action = FenceAction::None;
    for word in words {
        let next = if word == "run" {
            FenceAction::Run
        } else if let Some(path) = word.strip_prefix("file=") {
            let path = path.trim_matches('"');
            if let Err(why) = crate::load::check_editor_path(path) {
                return Err(format!("file={path}: {why}"));
            }
            FenceAction::File(path.to_string())
        } else {
            return Err(format!("unknown code block attribute `{word}` (expected `run` or `file=NAME`)"));
        };
        if action != FenceAction::None {
            return Err("a code block can be `run` or `file=NAME`, not both".into());
        }
        action = next;
    }
    Ok((lang, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_run_and_file_blocks() {
        let text = "# Title\n\n```bash run\nkubectl get pods\n```\n\ntext\n\n~~~yaml file=pod.yaml\nkind: Pod\n~~~\n```\nplain\n```\n";
        let got = fences(text).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].line, got[0].lang.as_str(), &got[0].action, got[0].body.as_str()), (3, "bash", &FenceAction::Run, "kubectl get pods\n"));
        assert_eq!(got[1].action, FenceAction::File("pod.yaml".into()));
        assert_eq!(got[1].body, "kind: Pod\n");
        assert_eq!((got[2].lang.as_str(), &got[2].action), ("", &FenceAction::None));
    }

    #[test]
    fn a_longer_fence_holds_a_shorter_one() {
        let text = "````markdown\n```bash run\nls\n```\n````\n";
        let got = fences(text).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].body, "```bash run\nls\n```\n");
    }

    #[test]
    fn malformed_blocks_name_their_line() {
        assert_eq!(fences("a\n\n```bash\nls\n").unwrap_err(), MarkdownError { line: 3, message: "code block is not closed".into() });
        let err = fences("```yaml flie=pod.yaml\n```\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("unknown code block attribute `flie=pod.yaml`"), "{}", err.message);
        assert!(fences("```yaml file=../etc/passwd\n```\n").is_err());
        assert!(fences("```bash run file=a.sh\n```\n").is_err());
    }

    #[test]
    fn links_outside_code() {
        let text = "See [the docs](https://kubernetes.io/docs/ \"title\") and ![diagram](img/flow.svg).\n`[not](a-link)`\n```\n[no](nope)\n```\n[x](javascript:alert(1))\n";
        let got: Vec<(u32, String)> = links(text).into_iter().map(|l| (l.line, l.target)).collect();
        assert_eq!(
            got,
            vec![(1, "https://kubernetes.io/docs/".to_string()), (1, "img/flow.svg".to_string()), (6, "javascript:alert(1".to_string())]
        );
        assert_eq!(link_kind("https://kubernetes.io/"), LinkKind::Web);
        assert_eq!(link_kind("img/flow.svg#x"), LinkKind::File("img/flow.svg".into()));
        assert_eq!(link_kind("javascript:alert(1"), LinkKind::Forbidden);
        assert_eq!(link_kind("/etc/passwd"), LinkKind::Forbidden);
        assert_eq!(link_kind("#top"), LinkKind::Anchor);
    }
}
