//! Command-line flags as pflag parses them, with pflag's error messages.

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

pub const fn val(long: &'static str, short: Option<char>) -> Flag {
    Flag { long, short, takes_value: true }
}

pub const fn boolean(long: &'static str, short: Option<char>) -> Flag {
    Flag { long, short, takes_value: false }
}

/// Flags every kubectl command takes.
pub const GLOBAL: &[Flag] = &[
    val("namespace", Some('n')),
    val("context", None),
    val("kubeconfig", None),
    val("cluster", None),
    val("user", None),
    val("as", None),
    val("as-group", None),
    val("server", Some('s')),
    val("v", Some('v')),
    val("request-timeout", None),
    boolean("insecure-skip-tls-verify", None),
    boolean("help", Some('h')),
    boolean("warnings-as-errors", None),
];

/// Parsed arguments: positional words, flag values (repeatable), and what followed `--`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub args: Vec<String>,
    pub values: BTreeMap<String, Vec<String>>,
    pub after_dash: Option<Vec<String>>,
}

impl Parsed {
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values.get(long).and_then(|v| v.last()).map(String::as_str)
    }
    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
    /// A boolean flag: present without value, or `--x=true`.
    pub fn flag(&self, long: &str) -> bool {
        match self.get(long) {
            Some(v) => v != "false",
            None => false,
        }
    }
}

/// Parses `args` against the command's flags plus the global ones.
pub fn parse(args: &[String], specs: &[Flag]) -> Result<Parsed, String> {
    let all: Vec<&Flag> = specs.iter().chain(GLOBAL.iter()).collect();
    let mut p = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            p.after_dash = Some(args[i + 1..].to_vec());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = all.iter().find(|f| f.long == name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            let value = if spec.takes_value {
                match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i).cloned().ok_or_else(|| format!("flag needs an argument: --{name}"))?
                    }
                }
            } else {
                inline.unwrap_or_else(|| "true".into())
            };
            p.values.entry(spec.long.to_string()).or_default().push(value);
        } else if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let spec = all.iter().find(|f| f.short == Some(c)).ok_or_else(|| format!("unknown shorthand flag: '{c}' in {a}"))?;
                if spec.takes_value {
                    let rest: String = chars[j + 1..].iter().collect();
                    let value = if let Some(v) = rest.strip_prefix('=') {
                        v.to_string()
                    } else if !rest.is_empty() {
                        rest
                    } else {
                        i += 1;
                        args.get(i).cloned().ok_or_else(|| format!("flag needs an argument: '{c}' in -{c}"))?
                    };
                    p.values.entry(spec.long.to_string()).or_default().push(value);
                    break;
                }
                p.values.entry(spec.long.to_string()).or_default().push("true".into());
                j += 1;
            }
        } else {
            p.args.push(a.clone());
        }
        i += 1;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_like_pflag() {
        let specs = [val("output", Some('o')), boolean("stdin", Some('i')), boolean("tty", Some('t'))];
        let p = parse(&s(&["get", "-n", "kube-system", "-owide", "--context=kind-kind", "-it", "--", "sh", "-c"]), &specs).unwrap();
        assert_eq!(p.args, s(&["get"]));
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert_eq!(p.get("output"), Some("wide"));
        assert!(p.flag("stdin") && p.flag("tty"));
        assert_eq!(p.after_dash, Some(s(&["sh", "-c"])));
        assert_eq!(parse(&s(&["--v~7"]), &specs).unwrap_err(), "unknown flag: --v~7");
        assert_eq!(parse(&s(&["-x"]), &specs).unwrap_err(), "unknown shorthand flag: 'x' in -x");
        assert_eq!(parse(&s(&["-n"]), &specs).unwrap_err(), "flag needs an argument: 'n' in -n");
    }
}
