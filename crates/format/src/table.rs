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
//! This is a port of the algorithm: text is split into cells at `\t` (or `\v`), lines at `\n`;
//! a line without any tab ends a column block and flushes; `\f` flushes as well. A column
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
}
