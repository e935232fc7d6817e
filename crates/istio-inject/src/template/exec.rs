//! Executing a parsed template against a [`Value`], with Go's semantics for truth, variables
//! and scopes, field access, `range`, `with`, nested templates and pipelines.

use std::sync::Arc;

use super::parse::{Arg, Node, Parsed, Pipe};
use super::value::Value;

/// A function callable from templates. Errors are messages; the executor adds the line.
pub type Func = fn(&[Value]) -> Result<Value, String>;

/// An execution error: the line of the action that failed and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    /// 1-based line of the failing action.
    pub line: u32,
    /// What went wrong.
    pub message: String,
}

/// Control flow out of a node list.
enum Flow {
    Normal,
    Break,
    Continue,
}

/// Deepest nesting of `{{template}}` calls, against runaway recursion.
const MAX_DEPTH: usize = 1000;

/// The executor of one template run.
pub struct Exec<'a> {
    parsed: &'a Parsed,
    funcs: &'a super::Funcs,
    vars: Vec<(Arc<str>, Value)>,
    out: String,
    depth: usize,
}

impl<'a> Exec<'a> {
    /// Runs `parsed` with `data` as dot and `$`, returning the text produced.
    pub fn run(
        parsed: &'a Parsed,
        funcs: &'a super::Funcs,
        data: &Value,
    ) -> Result<String, ExecError> {
        let mut ex = Exec {
            parsed,
            funcs,
            vars: vec![(Arc::from("$"), data.clone())],
            out: String::with_capacity(16 * 1024),
            depth: 0,
        };
        ex.nodes(&parsed.body, data)?;
        Ok(ex.out)
    }

    fn nodes(&mut self, nodes: &[Node], dot: &Value) -> Result<Flow, ExecError> {
        for n in nodes {
            match self.node(n, dot)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn scoped(&mut self, nodes: &[Node], dot: &Value) -> Result<Flow, ExecError> {
        let mark = self.vars.len();
        let r = self.nodes(nodes, dot);
        self.vars.truncate(mark);
        r
    }

    fn node(&mut self, n: &Node, dot: &Value) -> Result<Flow, ExecError> {
        match n {
            Node::Text(t) => self.out.push_str(t),
            Node::Action(pipe) => {
                let v = self.pipe(pipe, dot)?;
                if pipe.vars.is_empty() {
                    print_value(&mut self.out, &v);
                }
            }
            Node::If {
                with,
                pipe,
                then,
                otherwise,
            } => {
                let mark = self.vars.len();
                let v = self.pipe(pipe, dot)?;
                let flow = if v.truthy() {
                    if *with {
                        self.scoped(then, &v)
                    } else {
                        self.scoped(then, dot)
                    }
                } else {
                    self.scoped(otherwise, dot)
                };
                self.vars.truncate(mark);
                return flow;
            }
            Node::Range {
                pipe,
                body,
                otherwise,
            } => return self.range(pipe, body, otherwise, dot),
            Node::Template { line, name, pipe } => {
                let Some(body) = self.parsed.defines.get(name) else {
                    return Err(ExecError {
                        line: *line,
                        message: format!("no such template {name:?}"),
                    });
                };
                let data = match pipe {
                    Some(p) => self.pipe(p, dot)?,
                    None => Value::Nil,
                };
                if self.depth >= MAX_DEPTH {
                    return Err(ExecError {
                        line: *line,
                        message: format!("exceeded maximum template depth ({MAX_DEPTH})"),
                    });
                }
                let saved = std::mem::replace(&mut self.vars, vec![(Arc::from("$"), data.clone())]);
                self.depth += 1;
                let r = self.nodes(body, &data);
                self.depth -= 1;
                self.vars = saved;
                r?;
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn range(
        &mut self,
        pipe: &Pipe,
        body: &[Node],
        otherwise: &[Node],
        dot: &Value,
    ) -> Result<Flow, ExecError> {
        let mark = self.vars.len();
        // The range pipeline's variables are bound per element, not to the pipeline's value.
        let value = self.commands(pipe, dot)?;
        let items: Vec<(Value, Value)> = match &value {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), v.clone()))
                .collect(),
            Value::Map(m) => m
                .entries
                .iter()
                .map(|(k, v)| (Value::str(k), v.clone()))
                .collect(),
            Value::Int(n) => (0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect(),
            Value::Nil => Vec::new(),
            other => {
                return Err(ExecError {
                    line: pipe.line,
                    message: format!("range can't iterate over {}", other.sprint()),
                })
            }
        };
        if items.is_empty() {
            let r = self.scoped(otherwise, dot);
            self.vars.truncate(mark);
            return r;
        }
        for (k, v) in items {
            match pipe.vars.as_slice() {
                [] => {}
                [one] => self.bind(one, v.clone(), pipe.assign, pipe.line)?,
                [first, second, ..] => {
                    self.bind(first, k, pipe.assign, pipe.line)?;
                    self.bind(second, v.clone(), pipe.assign, pipe.line)?;
                }
            }
            let inner = self.vars.len();
            let flow = self.nodes(body, &v);
            self.vars.truncate(inner);
            if !pipe.assign {
                self.vars.truncate(mark);
            }
            match flow? {
                Flow::Break => break,
                Flow::Normal | Flow::Continue => {}
            }
        }
        self.vars.truncate(mark);
        Ok(Flow::Normal)
    }

    fn bind(
        &mut self,
        name: &Arc<str>,
        v: Value,
        assign: bool,
        line: u32,
    ) -> Result<(), ExecError> {
        if assign {
            match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v,
                None => {
                    return Err(ExecError {
                        line,
                        message: format!("undefined variable: {name}"),
                    })
                }
            }
        } else {
            self.vars.push((name.clone(), v));
        }
        Ok(())
    }

    /// Evaluates a pipeline and binds its variables.
    fn pipe(&mut self, pipe: &Pipe, dot: &Value) -> Result<Value, ExecError> {
        let v = self.commands(pipe, dot)?;
        for name in &pipe.vars {
            self.bind(name, v.clone(), pipe.assign, pipe.line)?;
        }
        Ok(v)
    }

    fn commands(&mut self, pipe: &Pipe, dot: &Value) -> Result<Value, ExecError> {
        let mut piped: Option<Value> = None;
        for cmd in &pipe.cmds {
            piped = Some(self.command(cmd, dot, piped.take(), pipe.line)?);
        }
        Ok(piped.unwrap_or_default())
    }

    fn command(
        &mut self,
        cmd: &[Arg],
        dot: &Value,
        piped: Option<Value>,
        line: u32,
    ) -> Result<Value, ExecError> {
        let fail = |message: String| ExecError { line, message };
        match &cmd[0] {
            Arg::Ident(name) => {
                let name = name.as_ref();
                if name == "and" || name == "or" {
                    return self.and_or(name == "and", &cmd[1..], dot, piped, line);
                }
                let Some(f) = self.funcs.get(name) else {
                    return Err(fail(format!("function {name:?} not defined")));
                };
                let mut args = Vec::with_capacity(cmd.len());
                for a in &cmd[1..] {
                    args.push(self.arg(a, dot, line)?);
                }
                if let Some(p) = piped {
                    args.push(p);
                }
                f(&args).map_err(|m| fail(format!("error calling {name}: {m}")))
            }
            first => {
                if cmd.len() > 1 || piped.is_some() {
                    return Err(fail(match first {
                        Arg::Field(f) | Arg::Var(_, f) if !f.is_empty() => format!(
                            "{} has arguments but cannot be invoked as function",
                            f.last().map(|s| s.as_ref()).unwrap_or_default()
                        ),
                        _ => "can't give argument to non-function".to_string(),
                    }));
                }
                self.arg(first, dot, line)
            }
        }
    }

    fn and_or(
        &mut self,
        and: bool,
        args: &[Arg],
        dot: &Value,
        piped: Option<Value>,
        line: u32,
    ) -> Result<Value, ExecError> {
        if args.is_empty() && piped.is_none() {
            return Err(ExecError {
                line,
                message: format!(
                    "wrong number of args for {}: want at least 1 got 0",
                    if and { "and" } else { "or" }
                ),
            });
        }
        let mut last = Value::Nil;
        for a in args {
            let v = self.arg(a, dot, line)?;
            if v.truthy() != and {
                return Ok(v);
            }
            last = v;
        }
        if let Some(p) = piped {
            last = p;
        }
        Ok(last)
    }

    fn arg(&mut self, a: &Arg, dot: &Value, line: u32) -> Result<Value, ExecError> {
        match a {
            Arg::Dot => Ok(dot.clone()),
            Arg::Field(fields) => walk(dot.clone(), fields, line),
            Arg::Var(name, fields) => {
                let Some((_, v)) = self.vars.iter().rev().find(|(n, _)| n == name) else {
                    return Err(ExecError {
                        line,
                        message: format!("undefined variable: {name}"),
                    });
                };
                walk(v.clone(), fields, line)
            }
            Arg::Ident(name) => {
                let Some(f) = self.funcs.get(name.as_ref()) else {
                    return Err(ExecError {
                        line,
                        message: format!("function {name:?} not defined"),
                    });
                };
                if name.as_ref() == "and" || name.as_ref() == "or" {
                    return Err(ExecError {
                        line,
                        message: format!("wrong number of args for {name}: want at least 1 got 0"),
                    });
                }
                f(&[]).map_err(|m| ExecError {
                    line,
                    message: format!("error calling {name}: {m}"),
                })
            }
            Arg::Str(s) => Ok(Value::Str(s.clone())),
            Arg::Int(n) => Ok(Value::Int(*n)),
            Arg::Float(f) => Ok(Value::Float(*f)),
            Arg::Bool(b) => Ok(Value::Bool(*b)),
            Arg::Nil => Err(ExecError {
                line,
                message: "nil is not a command".into(),
            }),
            Arg::Sub(pipe, fields) => {
                let v = self.commands(pipe, dot)?;
                walk(v, fields, line)
            }
        }
    }
}

/// Follows a chain of field names from `v`.
fn walk(mut v: Value, fields: &[Arc<str>], line: u32) -> Result<Value, ExecError> {
    for f in fields {
        v = match &v {
            Value::Nil => Value::Nil,
            Value::Map(m) => match m.entries.get(f.as_ref()) {
                Some(x) => x.clone(),
                None if m.string_elems => Value::str(""),
                None => Value::Nil,
            },
            Value::Struct(s) => match s.get(f) {
                Some(x) => x.clone(),
                None => {
                    return Err(ExecError {
                        line,
                        message: format!("can't evaluate field {f} in type {}", s.type_name),
                    })
                }
            },
            other => {
                return Err(ExecError {
                    line,
                    message: format!("can't evaluate field {f} in type {}", other.type_name()),
                })
            }
        };
    }
    Ok(v)
}

/// Prints a value as an action does: no value prints `<no value>`.
fn print_value(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("<no value>"),
        Value::Str(s) => out.push_str(s),
        other => other.write_go(out, false),
    }
}
