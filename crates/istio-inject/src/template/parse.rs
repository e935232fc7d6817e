//! Parsing Go `text/template` source: text and `{{ }}` actions (with `-` trim markers and
//! comments), control structures (`if`, `else if`, `range`, `with`, `define`, `template`,
//! `block`, `break`, `continue`), pipelines, variables and literals.

use std::collections::HashMap;
use std::sync::Arc;

/// A syntax error: the line it is on and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line in the template source.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// A node of a template body.
#[derive(Debug, Clone)]
pub enum Node {
    /// Literal text, printed as is.
    Text(Arc<str>),
    /// `{{ pipeline }}`: printed unless it declares or assigns a variable.
    Action(Pipe),
    /// `{{ if }}`, `{{ with }}`: the branch taken depends on the pipeline's truth.
    If {
        /// Whether this is `with` (dot becomes the value).
        with: bool,
        /// The condition.
        pipe: Pipe,
        /// The body when true.
        then: Vec<Node>,
        /// The `else` body.
        otherwise: Vec<Node>,
    },
    /// `{{ range }}`.
    Range {
        /// What to iterate.
        pipe: Pipe,
        /// The body per element.
        body: Vec<Node>,
        /// The body when there is nothing to iterate.
        otherwise: Vec<Node>,
    },
    /// `{{ template "name" pipeline }}`.
    Template {
        /// Line of the action.
        line: u32,
        /// The template invoked.
        name: String,
        /// Its data.
        pipe: Option<Pipe>,
    },
    /// `{{ break }}`.
    Break(u32),
    /// `{{ continue }}`.
    Continue(u32),
}

/// A pipeline: optional variable declarations and commands joined by `|`.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Line of the action.
    pub line: u32,
    /// Variables declared (`:=`) or assigned (`=`).
    pub vars: Vec<Arc<str>>,
    /// True for `=` (assignment), false for `:=`.
    pub assign: bool,
    /// The commands.
    pub cmds: Vec<Vec<Arg>>,
}

/// One operand of a command.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.`
    Dot,
    /// `.A.B`
    Field(Vec<Arc<str>>),
    /// `$x.A.B` (`$` alone is the root).
    Var(Arc<str>, Vec<Arc<str>>),
    /// A function name.
    Ident(Arc<str>),
    /// A string literal.
    Str(Arc<str>),
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// `true`/`false`.
    Bool(bool),
    /// `nil`.
    Nil,
    /// `(pipeline).A.B`
    Sub(Box<Pipe>, Vec<Arc<str>>),
}

/// A parsed template: its main body and the templates it defines.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The body outside `define`s.
    pub body: Vec<Node>,
    /// `{{ define "name" }}` bodies.
    pub defines: HashMap<String, Vec<Node>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Dot,
    Field(Arc<str>),
    Var(Arc<str>),
    Ident(Arc<str>),
    Str(Arc<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    LParen,
    RParen,
    Pipe,
    Declare,
    Assign,
    Comma,
    /// A field name directly after `)` or a variable, without a space: `(x).Field`.
    ChainField(Arc<str>),
}

/// One `{{ }}` action's tokens, or a run of text.
enum Piece {
    Text(String),
    Action { line: u32, toks: Vec<Tok> },
}

fn err(line: u32, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Splits the source into text and action pieces, applying trim markers and dropping comments.
fn pieces(src: &str) -> Result<Vec<Piece>, ParseError> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut line = 1u32;
    let mut trim_next = false;
    while !rest.is_empty() {
        let (text, after) = match rest.find("{{") {
            Some(i) => (&rest[..i], Some(&rest[i + 2..])),
            None => (rest, None),
        };
        let mut text = text;
        if trim_next {
            text = text.trim_start_matches([' ', '\t', '\r', '\n']);
        }
        let Some(after) = after else {
            out.push(Piece::Text(text.to_string()));
            break;
        };
        let trim_before = after.starts_with("- ")
            || after.starts_with("-\t")
            || after.starts_with("-\n")
            || after.starts_with("-\r");
        if trim_before {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']);
        }
        line += count_lines(&rest[..rest.len() - after.len() - 2]);
        out.push(Piece::Text(text.to_string()));
        let body_start = if trim_before { &after[1..] } else { after };
        let action_line = line;
        // A comment: `/* ... */` directly after the delimiter (and optional trim marker).
        let trimmed_lead = body_start.trim_start_matches([' ', '\t', '\r', '\n']);
        if trimmed_lead.starts_with("/*") && (trim_before || body_start.starts_with("/*")) {
            let Some(end) = trimmed_lead.find("*/") else {
                return Err(err(action_line, "unclosed comment"));
            };
            let after_comment = &trimmed_lead[end + 2..];
            let (close_trim, rest_after) = if let Some(r) = after_comment.strip_prefix(" -}}") {
                (true, r)
            } else if let Some(r) = after_comment.strip_prefix("}}") {
                (false, r)
            } else {
                return Err(err(action_line, "comment ends before closing delimiter"));
            };
            line += count_lines(&body_start[..body_start.len() - rest_after.len()]);
            trim_next = close_trim;
            rest = rest_after;
            continue;
        }
        let (toks, consumed, close_trim) = lex_action(body_start, action_line)?;
        line += count_lines(&body_start[..consumed]);
        trim_next = close_trim;
        rest = &body_start[consumed..];
        out.push(Piece::Action {
            line: action_line,
            toks,
        });
    }
    Ok(out)
}

fn count_lines(s: &str) -> u32 {
    s.bytes().filter(|b| *b == b'\n').count() as u32
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

/// Lexes one action up to its `}}`: the tokens, the bytes consumed (through the delimiter)
/// and whether it ends with a trim marker.
fn lex_action(s: &str, line0: u32) -> Result<(Vec<Tok>, usize, bool), ParseError> {
    let b = s.as_bytes();
    let mut i = 0usize;
    let mut toks = Vec::new();
    let mut line = line0;
    let mut parens = 0i32;
    loop {
        if i >= b.len() {
            return Err(err(line, "unclosed action"));
        }
        let c = b[i];
        if is_space(c) {
            if c == b'\n' {
                line += 1;
            }
            // ` -}}` closes with a trim marker.
            if s[i..].starts_with(" -}}")
                || s[i..].starts_with("\t-}}")
                || s[i..].starts_with("\n-}}")
                || s[i..].starts_with("\r-}}")
            {
                if parens > 0 {
                    return Err(err(line, "unclosed left paren"));
                }
                return Ok((toks, i + 4, true));
            }
            i += 1;
            continue;
        }
        if s[i..].starts_with("}}") {
            if parens > 0 {
                return Err(err(line, "unclosed left paren"));
            }
            return Ok((toks, i + 2, false));
        }
        let glued = i > 0 && !is_space(b[i - 1]);
        match c {
            b'(' => {
                parens += 1;
                toks.push(Tok::LParen);
                i += 1;
            }
            b')' => {
                parens -= 1;
                if parens < 0 {
                    return Err(err(line, "unexpected right paren"));
                }
                toks.push(Tok::RParen);
                i += 1;
            }
            b'|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            b',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            b'=' => {
                toks.push(Tok::Assign);
                i += 1;
            }
            b'.' if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
            {
                let start = i + 1;
                i = start;
                while i < b.len() && is_alnum(b[i]) {
                    i += 1;
                }
                let name: Arc<str> = Arc::from(&s[start..i]);
                let chained = glued
                    && matches!(
                        toks.last(),
                        Some(Tok::RParen | Tok::Var(_) | Tok::Field(_) | Tok::ChainField(_))
                    );
                toks.push(if chained {
                    Tok::ChainField(name)
                } else {
                    Tok::Field(name)
                });
            }
            b'.' if !b.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                toks.push(Tok::Dot);
                i += 1;
            }
            b'$' => {
                let start = i;
                i += 1;
                while i < b.len() && is_alnum(b[i]) {
                    i += 1;
                }
                toks.push(Tok::Var(Arc::from(&s[start..i])));
            }
            b'"' => {
                let (v, n) = lex_quoted(&s[i..], line)?;
                toks.push(Tok::Str(Arc::from(v.as_str())));
                i += n;
            }
            b'`' => {
                let Some(end) = s[i + 1..].find('`') else {
                    return Err(err(line, "unterminated raw quoted string"));
                };
                let v = &s[i + 1..i + 1 + end];
                line += count_lines(v);
                toks.push(Tok::Str(Arc::from(v)));
                i += end + 2;
            }
            b'\'' => {
                let rest = &s[i + 1..];
                let mut chars = rest.chars();
                let ch = match chars.next() {
                    Some('\\') => match chars.next() {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('\\') => '\\',
                        Some('\'') => '\'',
                        Some(other) => other,
                        None => return Err(err(line, "unterminated character constant")),
                    },
                    Some(c) => c,
                    None => return Err(err(line, "unterminated character constant")),
                };
                if chars.next() != Some('\'') {
                    return Err(err(line, "malformed character constant"));
                }
                let used = rest.len() - chars.as_str().len();
                toks.push(Tok::Int(ch as i64));
                i += 1 + used;
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let start = i;
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'.'
                        || b[i] == b'_'
                        || ((b[i] == b'-' || b[i] == b'+')
                            && matches!(b[i - 1], b'e' | b'E' | b'p' | b'P')))
                {
                    i += 1;
                }
                let text = &s[start..i];
                toks.push(
                    parse_number(text)
                        .ok_or_else(|| err(line, format!("bad number syntax: {text:?}")))?,
                );
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && is_alnum(b[i]) {
                    i += 1;
                }
                let word = &s[start..i];
                toks.push(match word {
                    "true" => Tok::Bool(true),
                    "false" => Tok::Bool(false),
                    "nil" => Tok::Nil,
                    _ => Tok::Ident(Arc::from(word)),
                });
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or('?');
                return Err(err(line, format!("unexpected {ch:?} in command")));
            }
        }
    }
}

fn parse_number(text: &str) -> Option<Tok> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match clean.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let int = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(bn) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        i64::from_str_radix(bn, 2).ok()
    } else if digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().all(|c| c.is_ascii_digit())
    {
        i64::from_str_radix(&digits[1..], 8).ok()
    } else {
        digits.parse::<i64>().ok()
    };
    if let Some(v) = int {
        return Some(Tok::Int(if neg { -v } else { v }));
    }
    let f: f64 = digits.parse().ok()?;
    Some(Tok::Float(if neg { -f } else { f }))
}

/// Reads a Go interpreted string literal at the start of `s`: its value and its length.
fn lex_quoted(s: &str, line: u32) -> Result<(String, usize), ParseError> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\n' => break,
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'a' => out.push('\x07'),
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'v' => out.push('\x0b'),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = (0..n)
                            .filter_map(|_| chars.next().map(|(_, c)| c))
                            .collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| err(line, "invalid escape in string"))?;
                        out.push(code);
                    }
                    _ => return Err(err(line, format!("unknown escape sequence \\{e}"))),
                }
            }
            c => out.push(c),
        }
    }
    Err(err(line, "unterminated quoted string"))
}

/// The parser over the pieces of one source.
struct Parser {
    pieces: std::vec::IntoIter<Piece>,
    defines: HashMap<String, Vec<Node>>,
}

/// How a list of nodes ended.
enum Stop {
    Eof,
    End(u32),
    Else(u32, Vec<Tok>),
}

/// Parses a template source.
pub fn parse(src: &str) -> Result<Parsed, ParseError> {
    let mut p = Parser {
        pieces: pieces(src)?.into_iter(),
        defines: HashMap::new(),
    };
    let (body, end) = p.list(0)?;
    match end {
        Stop::Eof => Ok(Parsed {
            body,
            defines: p.defines,
        }),
        Stop::End(line) => Err(err(line, "unexpected {{end}}")),
        Stop::Else(line, _) => Err(err(line, "unexpected {{else}}")),
    }
}

impl Parser {
    /// Parses nodes until `{{end}}`, `{{else}}` or the end of input. `depth` counts the
    /// enclosing `range`s, for `break`/`continue`.
    fn list(&mut self, range_depth: u32) -> Result<(Vec<Node>, Stop), ParseError> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.next() {
            let (line, toks) = match piece {
                Piece::Text(t) => {
                    if !t.is_empty() {
                        nodes.push(Node::Text(Arc::from(t.as_str())));
                    }
                    continue;
                }
                Piece::Action { line, toks } => (line, toks),
            };
            let keyword = match toks.first() {
                Some(Tok::Ident(w)) => Some(w.to_string()),
                None => return Err(err(line, "missing value for command")),
                _ => None,
            };
            match keyword.as_deref() {
                Some("end") => return Ok((nodes, Stop::End(line))),
                Some("else") => return Ok((nodes, Stop::Else(line, toks[1..].to_vec()))),
                Some("if") | Some("with") => {
                    let with = keyword.as_deref() == Some("with");
                    nodes.push(self.conditional(with, line, &toks[1..], range_depth)?);
                }
                Some("range") => {
                    let pipe = pipeline(line, &toks[1..], true)?;
                    let (body, end) = self.list(range_depth + 1)?;
                    let otherwise = match end {
                        Stop::End(_) => Vec::new(),
                        Stop::Else(l, rest) => {
                            if !rest.is_empty() {
                                return Err(err(l, "unexpected tokens after {{else}} in range"));
                            }
                            match self.list(range_depth)? {
                                (nodes, Stop::End(_)) => nodes,
                                (_, _) => return Err(err(l, "expected {{end}} after {{else}}")),
                            }
                        }
                        Stop::Eof => return Err(err(line, "unexpected EOF: range without end")),
                    };
                    nodes.push(Node::Range {
                        pipe,
                        body,
                        otherwise,
                    });
                }
                Some("define") | Some("block") => {
                    let name = match toks.get(1) {
                        Some(Tok::Str(s)) => s.to_string(),
                        _ => return Err(err(line, "define needs a template name in quotes")),
                    };
                    let block_pipe = if keyword.as_deref() == Some("block") {
                        Some(pipeline(line, &toks[2..], false)?)
                    } else if toks.len() > 2 {
                        return Err(err(line, "unexpected tokens after define name"));
                    } else {
                        None
                    };
                    let (body, end) = self.list(0)?;
                    if !matches!(end, Stop::End(_)) {
                        return Err(err(
                            line,
                            format!("define {name:?} is not closed by {{{{end}}}}"),
                        ));
                    }
                    self.defines.insert(name.clone(), body);
                    if block_pipe.is_some() {
                        nodes.push(Node::Template {
                            line,
                            name,
                            pipe: block_pipe,
                        });
                    }
                }
                Some("template") => {
                    let name = match toks.get(1) {
                        Some(Tok::Str(s)) => s.to_string(),
                        _ => return Err(err(line, "template needs a template name in quotes")),
                    };
                    let pipe = if toks.len() > 2 {
                        Some(pipeline(line, &toks[2..], false)?)
                    } else {
                        None
                    };
                    nodes.push(Node::Template { line, name, pipe });
                }
                Some("break") | Some("continue") => {
                    if range_depth == 0 {
                        return Err(err(
                            line,
                            format!(
                                "{{{{{}}}}} outside {{{{range}}}}",
                                keyword.unwrap_or_default()
                            ),
                        ));
                    }
                    nodes.push(if keyword.as_deref() == Some("break") {
                        Node::Break(line)
                    } else {
                        Node::Continue(line)
                    });
                }
                _ => nodes.push(Node::Action(pipeline(line, &toks, false)?)),
            }
        }
        Ok((nodes, Stop::Eof))
    }

    /// `if`/`with` after its keyword, with `else if`/`else with` chains.
    fn conditional(
        &mut self,
        with: bool,
        line: u32,
        toks: &[Tok],
        range_depth: u32,
    ) -> Result<Node, ParseError> {
        let pipe = pipeline(line, toks, false)?;
        let (then, end) = self.list(range_depth)?;
        let otherwise = match end {
            Stop::End(_) => Vec::new(),
            Stop::Eof => {
                return Err(err(
                    line,
                    format!(
                        "unexpected EOF: {} without end",
                        if with { "with" } else { "if" }
                    ),
                ))
            }
            Stop::Else(l, rest) => match rest.first() {
                Some(Tok::Ident(w)) if w.as_ref() == "if" || w.as_ref() == "with" => {
                    let nested_with = w.as_ref() == "with";
                    vec![self.conditional(nested_with, l, &rest[1..], range_depth)?]
                }
                None => match self.list(range_depth)? {
                    (nodes, Stop::End(_)) => nodes,
                    _ => return Err(err(l, "expected {{end}} after {{else}}")),
                },
                _ => return Err(err(l, "unexpected tokens after {{else}}")),
            },
        };
        Ok(Node::If {
            with,
            pipe,
            then,
            otherwise,
        })
    }
}

/// Parses a pipeline from the tokens of one action. `range` allows two declared variables.
fn pipeline(line: u32, toks: &[Tok], range: bool) -> Result<Pipe, ParseError> {
    let mut vars = Vec::new();
    let mut assign = false;
    let mut pos = 0;
    // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
    let mut look = 0;
    let mut names = Vec::new();
    while let Some(Tok::Var(v)) = toks.get(look) {
        names.push(v.clone());
        match toks.get(look + 1) {
            Some(Tok::Comma) if range && names.len() == 1 => look += 2,
            Some(Tok::Declare) => {
                vars = names.clone();
                pos = look + 2;
                break;
            }
            Some(Tok::Assign) => {
                vars = names.clone();
                assign = true;
                pos = look + 2;
                break;
            }
            _ => break,
        }
    }
    let (cmds, used) = commands(line, &toks[pos..], false)?;
    if pos + used != toks.len() {
        return Err(err(line, "unexpected tokens in pipeline"));
    }
    if cmds.is_empty() {
        return Err(err(line, "missing value for command"));
    }
    Ok(Pipe {
        line,
        vars,
        assign,
        cmds,
    })
}

/// Commands separated by `|`, up to a closing paren (when `nested`) or the end.
fn commands(line: u32, toks: &[Tok], nested: bool) -> Result<(Vec<Vec<Arg>>, usize), ParseError> {
    let mut cmds = Vec::new();
    let mut cur = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::RParen if nested => break,
            Tok::RParen => return Err(err(line, "unexpected right paren")),
            Tok::Pipe => {
                if cur.is_empty() {
                    return Err(err(line, "missing command before |"));
                }
                cmds.push(std::mem::take(&mut cur));
                i += 1;
            }
            _ => {
                let (arg, used) = operand(line, &toks[i..])?;
                cur.push(arg);
                i += used;
            }
        }
    }
    if !cur.is_empty() {
        cmds.push(cur);
    } else if !cmds.is_empty() {
        return Err(err(line, "missing command after |"));
    }
    Ok((cmds, i))
}

/// One operand with the field chain glued to it.
fn operand(line: u32, toks: &[Tok]) -> Result<(Arg, usize), ParseError> {
    let (arg, mut used) = match &toks[0] {
        Tok::Dot => (Arg::Dot, 1),
        Tok::Field(f) => (Arg::Field(vec![f.clone()]), 1),
        Tok::ChainField(f) => (Arg::Field(vec![f.clone()]), 1),
        Tok::Var(v) => (Arg::Var(v.clone(), Vec::new()), 1),
        Tok::Ident(w) => (Arg::Ident(w.clone()), 1),
        Tok::Str(s) => (Arg::Str(s.clone()), 1),
        Tok::Int(n) => (Arg::Int(*n), 1),
        Tok::Float(f) => (Arg::Float(*f), 1),
        Tok::Bool(b) => (Arg::Bool(*b), 1),
        Tok::Nil => (Arg::Nil, 1),
        Tok::LParen => {
            let (cmds, n) = commands(line, &toks[1..], true)?;
            if toks.get(1 + n) != Some(&Tok::RParen) {
                return Err(err(line, "unclosed left paren"));
            }
            if cmds.is_empty() {
                return Err(err(line, "missing value in parentheses"));
            }
            let pipe = Pipe {
                line,
                vars: Vec::new(),
                assign: false,
                cmds,
            };
            (Arg::Sub(Box::new(pipe), Vec::new()), n + 2)
        }
        Tok::Declare | Tok::Assign => return Err(err(line, "unexpected declaration")),
        Tok::Comma => return Err(err(line, "unexpected comma")),
        Tok::Pipe | Tok::RParen => return Err(err(line, "unexpected token")),
    };
    let mut arg = arg;
    while let Some(Tok::ChainField(f)) = toks.get(used) {
        match &mut arg {
            Arg::Field(fs) | Arg::Var(_, fs) | Arg::Sub(_, fs) => fs.push(f.clone()),
            _ => return Err(err(line, format!("unexpected .{f} after a literal"))),
        }
        used += 1;
    }
    Ok((arg, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_comments() {
        let p = parse("a  {{- /* c */ -}}  b {{- \"x\" }}").unwrap();
        assert_eq!(p.body.len(), 3);
    }

    #[test]
    fn reports_lines() {
        let e = parse("a\nb\n{{ if .X }}\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("a\n{{ (.X }}").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn chained_fields() {
        let p = parse("{{ (.A).B.C }}{{ $x.Y }}").unwrap();
        match &p.body[0] {
            Node::Action(pipe) => match &pipe.cmds[0][0] {
                Arg::Sub(_, f) => assert_eq!(f.len(), 2),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }
}
