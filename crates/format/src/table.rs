//! Column alignment as Go's `text/tabwriter` does it, with kubectl's settings.
//!
//! `kubectl get` (and `api-resources`, `config get-contexts`, `top`, custom columns...) writes
//! through cli-runtime's `GetNewTabWriter`: github.com/liggitt/tabwriter (text/tabwriter plus
//! a `RememberWidths` flag) with minwidth 6, tabwidth 4, padding 3, pad char ' '. Column widths
//! remember their maximum across flushes, so a second table printed by the same command lines up
//! with the first. `kubectl describe` uses the standard library writer with minwidth 0,
//! tabwidth 8, padding 2, pad char ' ' and no flags.
//!
//! Widths are counted in runes (UTF-8 code points), not display cells, exactly as Go does, so
//! wide CJK characters misalign the same way they do in a real terminal.
//!
//! This is a port of the algorithm: text is split into cells at `\t` (or `\u{0b}`), lines at `\n`;
//! a line without any tab ends a column block and flushes; `\u{0c}` flushes as well. A column
//! block is a run of consecutive lines that have a cell in that column (the last cell of a
//! line is never part of a column); its width is the widest cell plus padding, at least
//! minwidth.

/// How a [`TabWriter`] pads, as the arguments of Go's `tabwriter.NewWriter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabWriterConfig {
    /// Minimal cell width including any padding.
    pub min_width: usize,
    /// Width of a tab character when padding with tabs.
    pub tab_width: usize,
    /// Padding added to a cell before computing its width.
    pub padding: usize,
    /// The padding character.
    pub pad_char: char,
    /// Right-align cell content (`tabwriter.AlignRight`).
    pub align_right: bool,
    /// Drop columns whose cells are all empty (`tabwriter.DiscardEmptyColumns`).
    pub discard_empty_columns: bool,
    /// Pad leading empty cells with tabs (`tabwriter.TabIndent`).
    pub tab_indent: bool,
    /// Print `|` between columns (`tabwriter.Debug`).
    pub debug: bool,
    /// Keep each column's widest width across flushes (liggitt/tabwriter's `RememberWidths`).
    pub remember_widths: bool,
}

impl TabWriterConfig {
    /// cli-runtime `printers.GetNewTabWriter`, used by `kubectl get` and friends.
    pub const KUBECTL_GET: TabWriterConfig = TabWriterConfig {
        min_width: 6,
        tab_width: 4,
        padding: 3,
        pad_char: ' ',
        align_right: false,
        discard_empty_columns: false,
        tab_indent: false,
        debug: false,
        remember_widths: true,
    };

    /// `tabbedString` in kubectl's `describe.go`: `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`.
    pub const KUBECTL_DESCRIBE: TabWriterConfig = TabWriterConfig {
        min_width: 0,
        tab_width: 8,
        padding: 2,
        pad_char: ' ',
        align_right: false,
        discard_empty_columns: false,
        tab_indent: false,
        debug: false,
        remember_widths: false,
    };
}

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    /// Size in bytes.
    size: usize,
    /// Width in runes.
    width: usize,
    /// Terminated by a horizontal tab.
    htab: bool,
}

/// A Go tabwriter: write text with `\t` between cells and `\n` after lines, then
/// [`TabWriter::flush`]; the aligned text accumulates in [`TabWriter::output`].
#[derive(Debug, Clone)]
pub struct TabWriter {
    config: TabWriterConfig,
    out: String,
    buf: String,
    cell: Cell,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    max_widths: Vec<usize>,
}

impl TabWriter {
    /// A writer with the given settings.
    pub fn new(config: TabWriterConfig) -> Self {
        let mut config = config;
        if config.pad_char == '\t' {
            config.align_right = false;
        }
        TabWriter { config, out: String::new(), buf: String::new(), cell: Cell::default(), lines: vec![Vec::new()], widths: Vec::new(), max_widths: Vec::new() }
    }

    /// A writer configured like `kubectl get`'s.
    pub fn kubectl_get() -> Self {
        Self::new(TabWriterConfig::KUBECTL_GET)
    }

    /// A writer configured like `kubectl describe`'s.
    pub fn kubectl_describe() -> Self {
        Self::new(TabWriterConfig::KUBECTL_DESCRIBE)
    }

    /// Go's `Writer.Write`.
    pub fn write(&mut self, text: &str) {
        let mut start = 0;
        for (i, ch) in text.char_indices() {
            match ch {
                '\t' | '\u{0b}' | '\n' | '\u{0c}' => {
                    self.append(&text[start..i]);
                    start = i + 1;
                    let ncells = self.terminate_cell(ch == '\t');
                    if ch == '\n' || ch == '\u{0c}' {
                        self.lines.push(Vec::new());
                        if ch == '\u{0c}' || ncells == 1 {
                            self.flush_inner();
                            if ch == '\u{0c}' && self.config.debug {
                                self.out.push_str("---\n");
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.append(&text[start..]);
    }

    /// Go's `Writer.Flush`: formats everything written so far.
    pub fn flush(&mut self) {
        self.flush_inner();
    }

    /// The text produced by flushes so far.
    pub fn output(&self) -> &str {
        &self.out
    }

    /// Takes the text produced so far, keeping the remembered widths.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// Flushes and returns all output.
    pub fn finish(mut self) -> String {
        self.flush_inner();
        self.out
    }

    /// The remembered column widths (liggitt/tabwriter `RememberedWidths`).
    pub fn remembered_widths(&self) -> Vec<usize> {
        self.max_widths.clone()
    }

    /// Sets the remembered column widths (liggitt/tabwriter `SetRememberedWidths`), as
    /// `kubectl get --watch` does to keep later rows aligned with the first table.
    pub fn set_remembered_widths(&mut self, widths: &[usize]) {
        self.max_widths = widths.to_vec();
    }

    fn append(&mut self, s: &str) {
        self.buf.push_str(s);
        self.cell.size += s.len();
        self.cell.width += s.chars().count();
    }

    fn terminate_cell(&mut self, htab: bool) -> usize {
        self.cell.htab = htab;
        let cell = std::mem::take(&mut self.cell);
        let line = self.lines.last_mut().expect("always one line");
        line.push(cell);
        line.len()
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.cell = Cell::default();
        self.lines.clear();
        self.lines.push(Vec::new());
        self.widths.clear();
    }

    fn flush_inner(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell(false);
        }
        let n = self.lines.len();
        self.format(0, 0, n);
        self.reset();
    }

    fn write_padding(&mut self, textw: usize, cellw: usize, use_tabs: bool) {
        if self.config.pad_char == '\t' || use_tabs {
            if self.config.tab_width == 0 {
                return;
            }
            let tw = self.config.tab_width;
            let cellw = cellw.div_ceil(tw) * tw;
            let n = cellw.saturating_sub(textw);
            for _ in 0..n.div_ceil(tw) {
                self.out.push('\t');
            }
            return;
        }
        for _ in textw..cellw {
            self.out.push(self.config.pad_char);
        }
    }

    fn write_lines(&mut self, mut pos: usize, line0: usize, line1: usize) -> usize {
        for i in line0..line1 {
            let mut use_tabs = self.config.tab_indent;
            let ncells = self.lines[i].len();
            for j in 0..ncells {
                let c = self.lines[i][j];
                if j > 0 && self.config.debug {
                    self.out.push('|');
                }
                if c.size == 0 {
                    if j < self.widths.len() {
                        let w = self.widths[j];
                        self.write_padding(c.width, w, use_tabs);
                    }
                } else {
                    use_tabs = false;
                    if !self.config.align_right {
                        let text = self.buf[pos..pos + c.size].to_string();
                        self.out.push_str(&text);
                        pos += c.size;
                        if j < self.widths.len() {
                            let w = self.widths[j];
                            self.write_padding(c.width, w, false);
                        }
                    } else {
                        if j < self.widths.len() {
                            let w = self.widths[j];
                            self.write_padding(c.width, w, false);
                        }
                        let text = self.buf[pos..pos + c.size].to_string();
                        self.out.push_str(&text);
                        pos += c.size;
                    }
                }
            }
            if i + 1 == self.lines.len() {
                // The last buffered line has no newline yet; its open cell is empty after a flush.
                let text = self.buf[pos..pos + self.cell.size].to_string();
                self.out.push_str(&text);
                pos += self.cell.size;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }

    /// Go's recursive `format`; recursion depth is the number of columns.
    fn format(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        let mut line0 = line0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            pos = self.write_lines(pos, line0, this);
            line0 = this;

            let mut width = self.config.min_width;
            let mut discardable = true;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                let c = line[column];
                let w = c.width + self.config.padding;
                if w > width {
                    width = w;
                }
                if c.width > 0 || c.htab {
                    discardable = false;
                }
                this += 1;
            }
            if discardable && self.config.discard_empty_columns {
                width = 0;
            }
            if self.config.remember_widths {
                if self.max_widths.len() < self.widths.len() {
                    let start = self.max_widths.len();
                    let extra: Vec<usize> = self.widths[start..].to_vec();
                    self.max_widths.extend(extra);
                }
                let k = self.widths.len();
                if self.max_widths.len() == k {
                    self.max_widths.push(width);
                } else if self.max_widths[k] > width {
                    width = self.max_widths[k];
                } else if self.max_widths[k] < width {
                    self.max_widths[k] = width;
                }
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }
}

/// A table of cells rendered through a [`TabWriter`]: each row becomes its cells joined by
/// `\t` and ended by `\n`, as kubectl's printers write them.
///
/// One `Table` is one flush of a fresh writer. When one command prints several tables
/// (`kubectl get pods,services`), write them all through one [`TabWriter`] instead, with the
/// blank line between them, so the remembered widths carry over as they do in kubectl.
#[derive(Debug, Clone)]
pub struct Table {
    config: TabWriterConfig,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with `kubectl get`'s alignment.
    pub fn kubectl_get() -> Self {
        Table { config: TabWriterConfig::KUBECTL_GET, rows: Vec::new() }
    }

    /// An empty table with `kubectl describe`'s alignment.
    pub fn kubectl_describe() -> Self {
        Table { config: TabWriterConfig::KUBECTL_DESCRIBE, rows: Vec::new() }
    }

    /// An empty table with the given alignment.
    pub fn with_config(config: TabWriterConfig) -> Self {
        Table { config, rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// The aligned text, one line per row, each ending in `\n`.
    pub fn render(&self) -> String {
        let mut w = TabWriter::new(self.config);
        for row in &self.rows {
            w.write(&row.join("\t"));
            w.write("\n");
        }
        w.finish()
    }
}

/// How kubectl v1.35's table printer (`printTable` in cli-runtime) writes a string cell: cut at
/// the first `\n`, `\r` or `\f` with `...` appended, and ESC shown as `^[`.
pub fn table_cell(s: &str) -> String {
    match s.find(['\u{0c}', '\n', '\r']) {
        Some(i) => format!("{}...", escape_terminal(&s[..i])),
        None => escape_terminal(s),
    }
}

/// cli-runtime `printers.EscapeTerminal`: makes ESC and CR visible (`^[`, `\r`) so names
/// cannot drive the learner's terminal.
pub fn escape_terminal(s: &str) -> String {
    s.replace('\x1b', "^[").replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn kubectl_get_pods() {
        let mut t = Table::kubectl_get();
        t.row(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
        t.row(["myapp", "1/1", "Running", "0", "5d23h"]);
        expect![[r#"
            NAME    READY   STATUS    RESTARTS   AGE
            myapp   1/1     Running   0          5d23h
        "#]]
        .assert_eq(&t.render());
    }

    #[test]
    fn wide_pods_from_notes() {
        let mut t = Table::kubectl_get();
        t.row(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
        t.row(["myapp", "1/1", "Running", "0", "5d23h", "10.244.0.5", "kind-control-plane", "<none>", "<none>"]);
        expect![[r#"
            NAME    READY   STATUS    RESTARTS   AGE     IP           NODE                 NOMINATED NODE   READINESS GATES
            myapp   1/1     Running   0          5d23h   10.244.0.5   kind-control-plane   <none>           <none>
        "#]]
        .assert_eq(&t.render());
    }

    #[test]
    fn runes_not_bytes() {
        let mut t = Table::kubectl_get();
        t.row(["NAME", "DATA"]);
        t.row(["日本語の名前", "1"]);
        expect![[r#"
            NAME     DATA
            日本語の名前   1
        "#]]
        .assert_eq(&t.render());
    }

    #[test]
    fn remembered_widths_span_tables() {
        let mut w = TabWriter::kubectl_get();
        w.write("NAME\tREADY\n");
        w.write("a-very-long-pod-name\t1/1\n");
        w.flush();
        w.write("\n");
        w.write("NAME\tTYPE\n");
        w.write("svc\tClusterIP\n");
        w.flush();
        expect![[r#"
            NAME                   READY
            a-very-long-pod-name   1/1

            NAME                   TYPE
            svc                    ClusterIP
        "#]]
        .assert_eq(w.output());
    }

    #[test]
    fn cells_are_cut_at_line_breaks() {
        assert_eq!(table_cell("line one\nline two"), "line one...");
        assert_eq!(table_cell("a\u{1b}[31mred"), "a^[[31mred");
        assert_eq!(table_cell("plain"), "plain");
    }

    #[test]
    fn describe_style() {
        let mut w = TabWriter::kubectl_describe();
        w.write("Name:\tnginx\nNamespace:\tdefault\nLabels:\t<none>\n");
        expect![[r#"
            Name:       nginx
            Namespace:  default
            Labels:     <none>
        "#]]
        .assert_eq(&w.finish());
    }

    /// The cases of liggitt/tabwriter's tabwriter_test.go (those without escapes or HTML
    /// filtering, which kubectl does not use), written in one go and flushed.
    #[test]
    fn go_tabwriter_cases() {
        /// (name, minwidth, tabwidth, padding, padchar, flags, input, expected)
        type Case<'a> = (&'a str, usize, usize, usize, char, &'a [&'a str], &'a str, &'a str);
        #[rustfmt::skip]
        let cases: &[Case] = &[
        ("1a", 8, 0, 1, '.', &[], "", ""),
        ("1a debug", 8, 0, 1, '.', &["Debug"], "", ""),
        ("2", 8, 0, 1, '.', &[], "\n\n\n", "\n\n\n"),
        ("3", 8, 0, 1, '.', &[], "a\nb\nc", "a\nb\nc"),
        ("4a", 8, 0, 1, '.', &[], "\t", ""),
        ("4b", 8, 0, 1, '.', &["AlignRight"], "\t", ""),
        ("5", 8, 0, 1, '.', &[], "*\t*", "*.......*"),
        ("5b", 8, 0, 1, '.', &[], "*\t*\n", "*.......*\n"),
        ("5c", 8, 0, 1, '.', &[], "*\t*\t", "*.......*"),
        ("5c debug", 8, 0, 1, '.', &["Debug"], "*\t*\t", "*.......|*"),
        ("5d", 8, 0, 1, '.', &["AlignRight"], "*\t*\t", ".......**"),
        ("6", 8, 0, 1, '.', &[], "\t\n", "........\n"),
        ("7a", 8, 0, 1, '.', &[], "a) foo", "a) foo"),
        ("7b", 8, 0, 1, ' ', &[], "b) foo\tbar", "b) foo  bar"),
        ("7c", 8, 0, 1, '.', &[], "c) foo\tbar\t", "c) foo..bar"),
        ("7d", 8, 0, 1, '.', &[], "d) foo\tbar\n", "d) foo..bar\n"),
        ("7e", 8, 0, 1, '.', &[], "e) foo\tbar\t\n", "e) foo..bar.....\n"),
        ("8", 8, 0, 1, '*', &[], "Hello, world!\n", "Hello, world!\n"),
        ("9a", 1, 0, 0, '.', &[], "1\t2\t3\t4\n11\t222\t3333\t44444\n", "1.2..3...4\n11222333344444\n"),
        ("9c", 1, 0, 0, '.', &[], "1\t2\t3\t4\u{0c}11\t222\t3333\t44444\n", "1234\n11222333344444\n"),
        ("9c debug", 1, 0, 0, '.', &["Debug"], "1\t2\t3\t4\u{0c}11\t222\t3333\t44444\n", "1|2|3|4\n---\n11|222|3333|44444\n"),
        ("10a", 5, 0, 0, '.', &[], "1\t2\t3\t4\n", "1....2....3....4\n"),
        ("10b", 5, 0, 0, '.', &[], "1\t2\t3\t4\t\n", "1....2....3....4....\n"),
        ("11", 8, 0, 1, '.', &[], "本\tb\tc\naa\t\u{672c}\u{672c}\u{672c}\tcccc\tddddd\naaa\tbbbb\n", "本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n"),
        ("12a", 8, 0, 1, ' ', &["AlignRight"], "a\tè\tc\t\naa\tèèè\tcccc\tddddd\t\naaa\tèèèè\t\n", "       a       è       c\n      aa     èèè    cccc   ddddd\n     aaa    èèèè\n"),
        ("12b", 2, 0, 0, ' ', &[], "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a  b  c\naa bbbcccc\naaabbbb\n"),
        ("12c", 8, 0, 1, '_', &[], "a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n", "a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n"),
        ("13a", 4, 0, 1, '-', &[], "4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n", "4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n"),
        ("13b", 4, 0, 3, '.', &[], "4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n", "4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n"),
        ("14", 1, 0, 2, ' ', &["AlignRight"], ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t", "    .0          .3    2.4    -5.1\n  23.0  12345678.9    2.4  -989.4\n   5.1        12.0    2.4    -7.0\n    .0         0.0  332.0  8908.0\n    .0         -.3  456.4    22.1\n    .0         1.2   44.4   -13.3"),
        ("14 debug", 1, 0, 2, ' ', &["AlignRight", "Debug"], ".0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t", "    .0|          .3|    2.4|    -5.1|\n  23.0|  12345678.9|    2.4|  -989.4|\n   5.1|        12.0|    2.4|    -7.0|\n    .0|         0.0|  332.0|  8908.0|\n    .0|         -.3|  456.4|    22.1|\n    .0|         1.2|   44.4|   -13.3|"),
        ("15a", 4, 0, 0, '.', &[], "a\t\tb", "a.......b"),
        ("15b", 4, 0, 0, '.', &["DiscardEmptyColumns"], "a\t\tb", "a.......b"),
        ("15c", 4, 0, 0, '.', &["DiscardEmptyColumns"], "a\u{0b}\u{0b}b", "a...b"),
        ("15d", 4, 0, 0, '.', &["AlignRight", "DiscardEmptyColumns"], "a\u{0b}\u{0b}b", "...ab"),
        ("16a", 100, 100, 0, '\t', &[], "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n", "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"),
        ("16b", 100, 100, 0, '\t', &["DiscardEmptyColumns"], "a\u{0b}b\u{0b}\u{0b}d\na\u{0b}b\u{0b}\u{0b}d\u{0b}e\na\na\u{0b}b\u{0b}c\u{0b}d\na\u{0b}b\u{0b}c\u{0b}d\u{0b}e\n", "a\tb\td\na\tb\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"),
        ("16b debug", 100, 100, 0, '\t', &["DiscardEmptyColumns", "Debug"], "a\u{0b}b\u{0b}\u{0b}d\na\u{0b}b\u{0b}\u{0b}d\u{0b}e\na\na\u{0b}b\u{0b}c\u{0b}d\na\u{0b}b\u{0b}c\u{0b}d\u{0b}e\n", "a\t|b\t||d\na\t|b\t||d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n"),
        ("16c", 100, 100, 0, '\t', &["DiscardEmptyColumns"], "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n", "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n"),
        ("16c debug", 100, 100, 0, '\t', &["DiscardEmptyColumns", "Debug"], "a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n", "a\t|b\t|\t|d\na\t|b\t|\t|d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n"),
        ];
        for (name, minwidth, tabwidth, padding, padchar, flags, src, expected) in cases {
            let config = TabWriterConfig {
                min_width: *minwidth,
                tab_width: *tabwidth,
                padding: *padding,
                pad_char: *padchar,
                align_right: flags.contains(&"AlignRight"),
                discard_empty_columns: flags.contains(&"DiscardEmptyColumns"),
                tab_indent: flags.contains(&"TabIndent"),
                debug: flags.contains(&"Debug"),
                remember_widths: false,
            };
            let mut w = TabWriter::new(config);
            w.write(src);
            assert_eq!(w.finish(), *expected, "case {name}");
        }
    }
}
