//! Templates from a repository are data, not code. Tera is a small programming
//! language; a repository someone published must not use it to read the user's
//! environment (`get_env`), loop without end, recurse until the stack overflows, or
//! grow a string until memory runs out. So:
//!
//! - the engine has no function that reaches outside (`get_env` refuses) and `range`
//!   is bounded;
//! - includes must name templates of the same folder, and include or macro cycles are
//!   refused before anything renders ([`check_structure`]);
//! - parsing and rendering run on a worker thread with a deep stack and stop at a
//!   time, memory and output budget ([`within_budget`]), before anything is written.

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tera::ast::{Expr, ExprVal, Node};
use tera::{Tera, Value};

/// Largest repository template read, in bytes.
pub const TEMPLATE_LIMIT: u64 = 256 << 10;
/// Most items a `range(…)` may produce.
pub const RANGE_LIMIT: usize = 1_000;
/// Longest the templates of one command may take, parsing and every render together.
pub const TIME_BUDGET: Duration = Duration::from_secs(5);
/// Most template files read from a repository.
pub const TEMPLATE_COUNT: usize = 64;
/// Most bytes of all a repository's templates together.
pub const TEMPLATES_LIMIT: u64 = 2 << 20;
/// Most memory parsing or one render may add to the process.
pub const MEMORY_BUDGET: u64 = 512 << 20;
/// Largest file a render may produce, in bytes.
pub const OUTPUT_LIMIT: usize = 1 << 20;
/// The worker's stack: deep enough for the most nested template of
/// [`TEMPLATE_LIMIT`] bytes (reserved, not used, by a normal template).
const WORKER_STACK: usize = 1 << 30;
/// How often the budget is checked.
const POLL: Duration = Duration::from_millis(5);

/// Which budget a parse or render exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// It took longer than [`TIME_BUDGET`].
    Time,
    /// It grew the process by more than [`MEMORY_BUDGET`].
    Memory,
    /// It produced more than [`OUTPUT_LIMIT`] bytes.
    Output,
    /// The worker stopped without an answer (it panicked).
    Crashed,
}

impl Budget {
    /// The budget, as a user reads it.
    pub fn describe(self) -> String {
        match self {
            Budget::Time => format!(
                "took longer than the {} s the templates of one command may take",
                TIME_BUDGET.as_secs()
            ),
            Budget::Memory => format!("used more than {} MiB of memory", MEMORY_BUDGET >> 20),
            Budget::Output => format!("produced more than {} KiB", OUTPUT_LIMIT >> 10),
            Budget::Crashed => "crashed the template engine".into(),
        }
    }
}

/// A Tera engine with nothing that reaches the environment or the file system:
/// `get_env` refuses to run and `range` produces at most [`RANGE_LIMIT`] items.
/// Autoescaping is off: lancelot writes Markdown and code, not HTML.
pub fn engine() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::new());
    tera.register_function(
        "get_env",
        |_: &HashMap<String, Value>| -> tera::Result<Value> {
            Err(tera::Error::msg(
                "get_env is not available: lancelot templates cannot read the environment",
            ))
        },
    );
    tera.register_function("range", bounded_range);
    tera
}

/// Tera's `range(end, start=0, step_by=1)`, refusing more than [`RANGE_LIMIT`] items.
fn bounded_range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let number = |name: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(name) {
            Some(value) => value.as_u64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "range: `{name}` must be a whole number, not {value}"
                ))
            }),
            None => default.ok_or_else(|| tera::Error::msg("range: `end` is required")),
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::msg("range: `step_by` must not be 0"));
    }
    let count = end.saturating_sub(start).div_ceil(step);
    if count > RANGE_LIMIT as u64 {
        return Err(tera::Error::msg(format!(
            "range: {count} items is more than the {RANGE_LIMIT} lancelot templates may loop over"
        )));
    }
    let items: Vec<Value> = (start..end)
        .step_by(usize::try_from(step).unwrap_or(usize::MAX))
        .map(Value::from)
        .collect();
    Ok(Value::Array(items))
}

/// Runs `work` on a worker thread with a deep stack and waits for it until
/// `deadline`, within the memory budget. A worker past its budget is abandoned: the
/// command reports the error and ends, taking the worker with it.
pub fn within_budget<T, F>(deadline: Instant, work: F) -> Result<T, Budget>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("lancelot-template".into())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let _ = sender.send(work());
        });
    if spawned.is_err() {
        return Err(Budget::Crashed);
    }
    let baseline = resident_memory();
    loop {
        match receiver.recv_timeout(POLL) {
            Ok(result) => return Ok(result),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(Budget::Crashed),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if Instant::now() > deadline {
            return Err(Budget::Time);
        }
        if let (Some(baseline), Some(now)) = (baseline, resident_memory())
            && now.saturating_sub(baseline) > MEMORY_BUDGET
        {
            return Err(Budget::Memory);
        }
    }
}

/// The process's resident memory in bytes, where the system tells.
fn resident_memory() -> Option<u64> {
    memory_stats::memory_stats().map(|stats| stats.physical_mem as u64)
}

/// A template or macro, as a node of the graph of what renders what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Part {
    Template(String),
    Macro(String, String),
}

impl Part {
    fn describe(&self) -> String {
        match self {
            Part::Template(name) => name.clone(),
            Part::Macro(file, name) => format!("macro {name} of {file}"),
        }
    }
}

/// Refuses includes of templates that do not exist, and every cycle of includes,
/// parents and macro calls (a template that includes itself, a macro that calls
/// itself, directly or not), which would recurse until the stack overflows.
/// Returns the template at fault and what is wrong.
pub fn check_structure(tera: &Tera) -> Result<(), (String, String)> {
    let mut edges: BTreeMap<Part, Vec<Part>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        // A template's own imports, then those of the templates it extends.
        let mut imports: HashMap<&str, &str> = HashMap::new();
        let ancestors = template
            .parents
            .iter()
            .filter_map(|parent| tera.get_template(parent).ok());
        for source in std::iter::once(template).chain(ancestors) {
            for (file, namespace) in &source.imported_macro_files {
                imports.entry(namespace.as_str()).or_insert(file.as_str());
            }
        }
        let scope = Scope {
            file: name,
            imports: &imports,
        };
        let mut top = Vec::new();
        for node in &template.ast {
            if let Node::MacroDefinition(_, definition, _) = node {
                let mut body = Vec::new();
                scope.nodes(&definition.body, &mut body);
                edges.insert(Part::Macro(name.to_owned(), definition.name.clone()), body);
            } else {
                scope.nodes(std::slice::from_ref(node), &mut top);
            }
        }
        for target in &top {
            if let Part::Template(included) = target
                && tera.get_template(included).is_err()
            {
                return Err((
                    name.to_owned(),
                    format!("includes {included}, which is not a template of the same folder"),
                ));
            }
        }
        edges.insert(Part::Template(name.to_owned()), top);
    }
    match find_cycle(&edges) {
        Some(cycle) => {
            let start = match &cycle[0] {
                Part::Template(name) | Part::Macro(name, _) => name.clone(),
            };
            let path: Vec<String> = cycle.iter().map(Part::describe).collect();
            Err((
                start,
                format!(
                    "renders itself without end ({}); templates and macros may not include or call themselves",
                    path.join(" -> ")
                ),
            ))
        }
        None => Ok(()),
    }
}

/// The file a node belongs to and the macro namespaces it imported.
struct Scope<'a> {
    file: &'a str,
    imports: &'a HashMap<&'a str, &'a str>,
}

impl Scope<'_> {
    /// What `nodes` render: included and parent templates, called macros.
    fn nodes(&self, nodes: &[Node], out: &mut Vec<Part>) {
        for node in nodes {
            match node {
                Node::Include(_, names, _) => {
                    out.extend(names.iter().map(|name| Part::Template(name.clone())));
                }
                Node::Extends(_, parent) => out.push(Part::Template(parent.clone())),
                Node::VariableBlock(_, expr) => self.expr(expr, out),
                Node::Set(_, set) => self.expr(&set.value, out),
                Node::FilterSection(_, section, _) => {
                    section
                        .filter
                        .args
                        .values()
                        .for_each(|arg| self.expr(arg, out));
                    self.nodes(&section.body, out);
                }
                Node::Block(_, block, _) => self.nodes(&block.body, out),
                Node::Forloop(_, forloop, _) => {
                    self.expr(&forloop.container, out);
                    self.nodes(&forloop.body, out);
                    if let Some(empty) = &forloop.empty_body {
                        self.nodes(empty, out);
                    }
                }
                Node::If(branches, _) => {
                    for (_, condition, body) in &branches.conditions {
                        self.expr(condition, out);
                        self.nodes(body, out);
                    }
                    if let Some((_, body)) = &branches.otherwise {
                        self.nodes(body, out);
                    }
                }
                Node::MacroDefinition(_, definition, _) => self.nodes(&definition.body, out),
                Node::Super
                | Node::Text(_)
                | Node::ImportMacro(..)
                | Node::Raw(..)
                | Node::Break(_)
                | Node::Continue(_)
                | Node::Comment(..) => {}
            }
        }
    }

    /// The macros an expression calls (in its arguments and filters too).
    fn expr(&self, expr: &Expr, out: &mut Vec<Part>) {
        for filter in &expr.filters {
            filter.args.values().for_each(|arg| self.expr(arg, out));
        }
        self.value(&expr.val, out);
    }

    /// The macros a value calls, however deep it nests them.
    fn value(&self, value: &ExprVal, out: &mut Vec<Part>) {
        match value {
            ExprVal::MacroCall(call) => {
                let file = if call.namespace == "self" {
                    Some(self.file)
                } else {
                    self.imports.get(call.namespace.as_str()).copied()
                };
                if let Some(file) = file {
                    out.push(Part::Macro(file.to_owned(), call.name.clone()));
                }
                call.args.values().for_each(|arg| self.expr(arg, out));
            }
            ExprVal::FunctionCall(call) => call.args.values().for_each(|arg| self.expr(arg, out)),
            ExprVal::Math(math) => {
                self.expr(&math.lhs, out);
                self.expr(&math.rhs, out);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs, out);
                self.expr(&logic.rhs, out);
            }
            ExprVal::In(test) => {
                self.expr(&test.lhs, out);
                self.expr(&test.rhs, out);
            }
            ExprVal::Test(test) => test.args.iter().for_each(|arg| self.expr(arg, out)),
            ExprVal::Array(items) => items.iter().for_each(|item| self.expr(item, out)),
            ExprVal::StringConcat(concat) => {
                concat.values.iter().for_each(|part| self.value(part, out));
            }
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }
}

/// A cycle of the graph, as the path around it (first node repeated at the end).
fn find_cycle(edges: &BTreeMap<Part, Vec<Part>>) -> Option<Vec<Part>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: HashMap<&Part, Mark> = HashMap::new();
    for start in edges.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // An explicit stack (no recursion): the graph of a hostile folder can be deep.
        let mut path: Vec<(&Part, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Open);
        while let Some((node, next)) = path.last_mut() {
            let node: &Part = node;
            let targets = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            let Some(target) = targets.get(*next) else {
                marks.insert(node, Mark::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match marks.get(target) {
                Some(Mark::Open) => {
                    let from = path.iter().position(|(part, _)| *part == target)?;
                    let mut cycle: Vec<Part> = path[from..]
                        .iter()
                        .map(|(part, _)| (*part).clone())
                        .collect();
                    cycle.push(target.clone());
                    return Some(cycle);
                }
                Some(Mark::Done) => {}
                None if edges.contains_key(target) => {
                    marks.insert(target, Mark::Open);
                    path.push((target, 0));
                }
                None => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(templates: &[(&str, &str)]) -> Tera {
        let mut tera = engine();
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        tera
    }

    fn structure(templates: &[(&str, &str)]) -> Result<(), (String, String)> {
        check_structure(&load(templates))
    }

    #[test]
    fn the_environment_is_out_of_reach() {
        let tera = load(&[("t", "{{ get_env(name=\"HOME\") }}")]);
        let error = tera.render("t", &tera::Context::new()).unwrap_err();
        let message = format!("{:?}", error);
        assert!(message.contains("cannot read the environment"), "{message}");
    }

    #[test]
    fn ranges_are_bounded() {
        let tera = load(&[
            ("small", "{% for i in range(end=3) %}{{ i }}{% endfor %}"),
            (
                "stepped",
                "{% for i in range(start=2, end=9, step_by=3) %}{{ i }}{% endfor %}",
            ),
            ("large", "{% for i in range(end=100000) %}x{% endfor %}"),
        ]);
        let context = tera::Context::new();
        assert_eq!(tera.render("small", &context).unwrap(), "012");
        assert_eq!(tera.render("stepped", &context).unwrap(), "258");
        assert!(tera.render("large", &context).is_err());
    }

    #[test]
    fn includes_and_macros_may_not_cycle() {
        let (at, message) =
            structure(&[("a", "{% include \"b\" %}"), ("b", "{% include \"a\" %}")]).unwrap_err();
        assert_eq!(at, "a");
        assert!(message.contains("a -> b -> a"), "{message}");
        assert!(structure(&[("self", "x{% include \"self\" %}")]).is_err());
        let recursive = "{% macro m(n) %}{{ self::m(n=n) }}{% endmacro m %}{{ self::m(n=1) }}";
        let (_, message) = structure(&[("m", recursive)]).unwrap_err();
        assert!(message.contains("macro m of m"), "{message}");
        let across = [
            (
                "one",
                "{% import \"two\" as two %}{% macro a() %}{{ two::b() }}{% endmacro a %}",
            ),
            (
                "two",
                "{% import \"one\" as one %}{% macro b() %}{% if true %}{{ one::a() | upper }}{% endif %}{% endmacro b %}",
            ),
        ];
        assert!(structure(&across).is_err());
    }

    #[test]
    fn recursion_hidden_in_a_concatenation_or_an_inherited_import_is_found() {
        let concat = "{% macro m(n) %}{{ \"a\" ~ range(end=self::m(n=n)) }}{% endmacro m %}{{ self::m(n=1) }}";
        assert!(structure(&[("concat", concat)]).is_err());
        let inherited = [
            (
                "macros",
                "{% macro m() %}{% include \"child\" %}{% endmacro m %}",
            ),
            (
                "base",
                "{% import \"macros\" as lib %}{% block body %}{% endblock body %}",
            ),
            (
                "child",
                "{% extends \"base\" %}{% block body %}{{ lib::m() }}{% endblock body %}",
            ),
        ];
        assert!(structure(&inherited).is_err());
    }

    #[test]
    fn siblings_and_acyclic_macros_are_fine() {
        assert!(structure(&[
            ("spec", "{% import \"macros\" as m %}{% include \"owner\" %}{{ m::row(x=1) }}"),
            ("owner", "- owner"),
            ("macros", "{% macro row(x) %}{{ self::cell(x=x) }}{% endmacro row %}{% macro cell(x) %}{{ x }}{% endmacro cell %}"),
        ])
        .is_ok());
        let (_, message) = structure(&[("spec", "{% include \"missing\" %}")]).unwrap_err();
        assert!(
            message.contains("not a template of the same folder"),
            "{message}"
        );
    }

    #[test]
    fn budgets_stop_endless_work() {
        let deadline = || Instant::now() + TIME_BUDGET;
        assert_eq!(within_budget(deadline(), || 2 + 2), Ok(4));
        let endless = within_budget(deadline(), || {
            let mut tera = engine();
            let nested = "{% for a in range(end=1000) %}{% for b in range(end=1000) %}{% for c in range(end=1000) %}{% endfor %}{% endfor %}{% endfor %}";
            tera.add_raw_template("loop", nested).ok();
            tera.render("loop", &tera::Context::new()).is_ok()
        });
        // Memory is measured for the whole process, which other tests share.
        assert!(
            matches!(endless, Err(Budget::Time | Budget::Memory)),
            "{endless:?}"
        );
    }

    #[test]
    fn budgets_stop_a_string_that_doubles_without_end() {
        let mut doubling = String::from("{% set s0 = \"xxxxxxxxxxxxxxxx\" %}");
        for step in 1..40 {
            doubling.push_str(&format!("{{% set s{step} = s{0} ~ s{0} %}}", step - 1));
        }
        doubling.push_str("{{ s39 | length }}");
        let outcome = within_budget(Instant::now() + TIME_BUDGET, move || {
            let mut tera = engine();
            tera.add_raw_template("bomb", &doubling).ok();
            tera.render("bomb", &tera::Context::new())
                .map(|s| s.len())
                .ok()
        });
        assert!(
            matches!(outcome, Err(Budget::Memory | Budget::Time)),
            "{outcome:?}"
        );
    }
}
