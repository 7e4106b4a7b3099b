//! The two Markdown extensions lesson texts use, found without rendering the Markdown:
//!
//! - ```` ```bash run ```` — a command block with a button that types it into the terminal;
//! - ```` ```yaml file=pod.yaml ```` — a file block with a button that opens its content
//!   in the editor as `pod.yaml` (relative to the home directory).
//!
//! [`render`] turns a text into sanitised HTML for the page (CommonMark with
//! `pulldown-cmark`; raw HTML is escaped, only http(s) links stay links) and lists the
//! blocks that get a button; [`fences`] finds the same blocks line by line for the
//! loader, and [`links`] lets the loader check that links point at lesson files or at
//! http(s) pages.

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

/// A text rendered for the page: HTML that is safe to insert (no raw HTML from the
/// lesson, no script links), and the blocks its buttons refer to by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// `data-block="N"` on a button is `blocks[N]`.
    pub blocks: Vec<RenderedBlock>,
}

/// A code block with a button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBlock {
    pub action: FenceAction,
    pub body: String,
}

/// Renders lesson Markdown to HTML in the learner's language (the buttons' labels).
///
/// Sanitising happens on the parser's events, before any HTML is written: raw HTML
/// (blocks and inline) becomes text, so it is shown escaped; links stay links only for
/// `http(s)://` targets (opened in a new tab, without a referrer or an opener); images
/// and other links are reduced to their text. Everything else is written by
/// pulldown-cmark's HTML writer, which escapes text and attributes.
pub fn render(text: &str, lang: crate::Lang) -> Rendered {
    use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Vec::new();
    let mut blocks = Vec::new();
    // Inside an actionable code block: its action, language and text so far.
    let mut code: Option<(FenceAction, String, String)> = None;
    // For each open link: whether it was written as a link.
    let mut links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(text, options) {
        if let Some((_, _, body)) = &mut code {
            match event {
                Event::Text(t) => body.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (action, lang_name, body) = code.take().expect("in a code block");
                    events.push(Event::Html(block_html(blocks.len(), &action, &lang_name, &body, lang).into()));
                    blocks.push(RenderedBlock { action, body });
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info_string))) => {
                match info(info_string) {
                    Ok((lang_name, action)) if action != FenceAction::None => {
                        code = Some((action, lang_name, String::new()));
                    }
                    _ => events.push(event),
                }
            }
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let web = link_kind(&dest_url) == LinkKind::Web;
                if web {
                    let mut a = String::from("<a href=\"");
                    // escape_href leaves `&` alone only as part of an entity; quotes are escaped.
                    let _ = pulldown_cmark_escape::escape_href(&mut a, &dest_url);
                    a.push_str("\" target=\"_blank\" rel=\"noopener noreferrer\">");
                    events.push(Event::InlineHtml(a.into()));
                }
                links.push(web);
            }
            Event::End(TagEnd::Link) => {
                if links.pop() == Some(true) {
                    events.push(Event::InlineHtml("</a>".into()));
                }
            }
            // An image shows as its alt text: lesson files are not served to the page.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            other => events.push(other),
        }
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, events.into_iter());
    Rendered { html: html_out, blocks }
}

/// The HTML of a code block with a button.
fn block_html(index: usize, action: &FenceAction, lang_name: &str, body: &str, lang: crate::Lang) -> String {
    use crate::Lang;
    let mut out = String::new();
    let (kind, label) = match (action, lang) {
        (FenceAction::File(path), Lang::Ja) => ("file", format!("{path} をエディタで開く")),
        (FenceAction::File(path), Lang::En) => ("file", format!("Open {path} in the editor")),
        (_, Lang::Ja) => ("run", "▶ 実行".to_string()),
        (_, Lang::En) => ("run", "▶ Run".to_string()),
    };
    out.push_str(&format!("<div class=\"code-block {kind}\">"));
    if let FenceAction::File(path) = action {
        out.push_str("<div class=\"code-file\">");
        escape_into(&mut out, path);
        out.push_str("</div>");
    }
    out.push_str("<pre><code");
    if !lang_name.is_empty() {
        out.push_str(" class=\"language-");
        escape_into(&mut out, lang_name);
        out.push('"');
    }
    out.push('>');
    escape_into(&mut out, body);
    out.push_str(&format!("</code></pre><button type=\"button\" class=\"block-button {kind}\" data-block=\"{index}\">"));
    escape_into(&mut out, &label);
    out.push_str("</button></div>\n");
    out
}

fn escape_into(out: &mut String, text: &str) {
    let _ = pulldown_cmark_escape::escape_html(out, text);
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
    fn render_escapes_raw_html_and_keeps_only_web_links() {
        let text = "# Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[ok](https://kubernetes.io/?a=\"b\") [bad](javascript:alert(1)) ![pic](img.png)\n";
        let got = render(text, crate::Lang::En);
        assert!(!got.html.contains("<script"), "{}", got.html);
        assert!(!got.html.contains("<img"), "{}", got.html);
        assert!(got.html.contains("&lt;script&gt;"), "{}", got.html);
        assert!(got.html.contains("<a href=\"https://kubernetes.io/?a=%22b%22\" target=\"_blank\" rel=\"noopener noreferrer\">ok</a>"), "{}", got.html);
        assert!(!got.html.contains("javascript:"), "{}", got.html);
        assert!(got.html.contains(" bad pic"), "{}", got.html);
        assert!(got.blocks.is_empty());
    }

    #[test]
    fn render_puts_buttons_on_run_and_file_blocks() {
        let text = "Run:\n\n```bash run\nkubectl get pods <x>\n```\n\n```yaml file=pod.yaml\nkind: Pod\n```\n\n```\nplain\n```\n";
        let got = render(text, crate::Lang::Ja);
        assert_eq!(
            got.blocks,
            vec![
                RenderedBlock { action: FenceAction::Run, body: "kubectl get pods <x>\n".into() },
                RenderedBlock { action: FenceAction::File("pod.yaml".into()), body: "kind: Pod\n".into() },
            ]
        );
        assert!(got.html.contains("<code class=\"language-bash\">kubectl get pods &lt;x&gt;\n</code></pre><button type=\"button\" class=\"block-button run\" data-block=\"0\">▶ 実行</button>"), "{}", got.html);
        assert!(got.html.contains("data-block=\"1\">pod.yaml をエディタで開く</button>"), "{}", got.html);
        assert!(got.html.contains("<pre><code>plain\n</code></pre>"), "{}", got.html);
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
