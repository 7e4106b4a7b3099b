//! The syntax tree the parser builds and the interpreter walks.
//!
//! Words keep their parts (literal, quoted, expansions) so that quoting decides later
//! what is split and globbed, as in bash; they also keep their source text (`raw`) for
//! alias expansion, `[[ ]]` operators and error messages.

use std::sync::Arc;

/// Commands separated by `;`, `&` or newlines.
#[derive(Debug, Clone, Default)]
pub(crate) struct List {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub and_or: AndOr,
    /// Ended by `&`: a background job (see `Host::begin_background`).
    pub background: bool,
    /// Its source text (what `jobs` shows).
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Connector {
    And,
    Or,
}

#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    pub negate: bool,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone)]
pub(crate) enum Command {
    Simple(Simple),
    Compound(Box<Compound>, Vec<Redirect>),
    Function { name: String, body: Arc<Command>, source: String },
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Simple {
    pub assigns: Vec<Assign>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// `local a=(x y)`, `declare -a a=(...)`: array assignments written as arguments
    /// of a declaration builtin (the word itself is just the name).
    pub decl_arrays: Vec<Assign>,
}

#[derive(Debug, Clone)]
pub(crate) struct Assign {
    pub name: String,
    pub value: Word,
    pub append: bool,
    /// `name[index]=value`
    pub index: Option<Word>,
    /// `name=(a b c)`
    pub array: Option<Vec<Word>>,
}

#[derive(Debug, Clone)]
pub(crate) enum Compound {
    Group(List),
    Subshell(List),
    If { branches: Vec<(List, List)>, otherwise: Option<List> },
    For { var: String, words: Option<Vec<Word>>, body: List },
    ArithFor { init: Word, cond: Word, step: Word, body: List },
    While { cond: List, body: List, until: bool },
    Case { word: Word, arms: Vec<CaseArm> },
    Cond(CondExpr),
    Arith(Word),
}

#[derive(Debug, Clone)]
pub(crate) struct CaseArm {
    pub patterns: Vec<Word>,
    pub body: List,
}

/// The inside of `[[ ... ]]`.
#[derive(Debug, Clone)]
pub(crate) enum CondExpr {
    Word(Word),
    Unary(String, Word),
    Binary(Word, String, Word),
    Not(Box<CondExpr>),
    And(Box<CondExpr>, Box<CondExpr>),
    Or(Box<CondExpr>, Box<CondExpr>),
}

#[derive(Debug, Clone)]
pub(crate) struct Redirect {
    /// The file descriptor written before the operator (`2>`), if any.
    pub fd: Option<u32>,
    pub op: RedirOp,
    /// The file name, the `&` target, or the here-document body.
    pub target: Word,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirOp {
    /// `<`
    In,
    /// `>` and `>|`
    Out,
    /// `>>`
    Append,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendOutErr,
    /// `>&`
    DupOut,
    /// `<&`
    DupIn,
    /// `<<` and `<<-` (the body is already read)
    HereDoc,
    /// `<<<`
    HereString,
    /// `<>`
    ReadWrite,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Word {
    pub parts: Vec<Part>,
    pub raw: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    /// Unquoted text: subject to globbing (and tilde expansion at the start).
    Lit(String),
    /// Single-quoted or backslash-escaped text: taken as is.
    Quoted(String),
    /// The parts of a double-quoted string.
    Double(Vec<Part>),
    Param(Box<Param>),
    Command(Box<List>),
    Arith(Box<Word>),
    /// `<(list)`: the list's output, readable as a file.
    ProcSubst(Box<List>),
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: String,
    pub op: ParamOp,
    /// `${name[index]}`; `@` and `*` are literal words.
    pub index: Option<Word>,
}

#[derive(Debug, Clone)]
pub(crate) enum ParamOp {
    Plain,
    Length,
    /// `${x:-w}` (colon: also when empty) and `${x-w}`.
    Default { colon: bool, word: Word },
    Assign { colon: bool, word: Word },
    Alt { colon: bool, word: Word },
    Error { colon: bool, word: Word },
    /// `${x#p}` `${x##p}` `${x%p}` `${x%%p}`
    Trim { suffix: bool, longest: bool, pattern: Word },
    /// `${x/p/r}` `${x//p/r}` `${x/#p/r}` `${x/%p/r}`
    Replace { all: bool, anchor: Option<bool>, pattern: Word, with: Word },
    /// `${x:offset:length}`
    Slice { offset: Word, length: Option<Word> },
    /// `${x^^}` `${x^}` `${x,,}` `${x,}`
    Case { upper: bool, all: bool },
    /// Something bash rejects at expansion time with `bad substitution`.
    Bad(String),
}

impl Word {
    /// The word as plain text when it has no quoting and no expansions.
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }
}
