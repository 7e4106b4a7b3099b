//! Importing a Killercoda scenario (`index.json`, step Markdown, `verify.sh`,
//! `background.sh`, `foreground.sh`) as a lesson folder.
//!
//! A scenario maps onto a lesson closely: its steps become steps, `verify.sh` stays the
//! check (exit 0 = done, the same convention), `background.sh` and `foreground.sh` become
//! the step's setup, and the commands the text marks `{{exec}}` become run blocks and,
//! in order, the step's reference solution. Scenarios are written in one language, so
//! the text is used for both.
//!
//! Whether it can run here depends on the commands its scripts and blocks use: each
//! command word is looked up in a fresh sandbox (`command -v`), and the ones it does not
//! have are reported with their file and line (`docker`, `systemctl`, ...); the lesson
//! is then not written.

use std::collections::{BTreeMap, BTreeSet};

use kubeniwa_sandbox::Sandbox;
use serde_json::Value;

/// A command a scenario uses that the sandbox does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// Path within the scenario folder.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    pub command: String,
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: `{}` is not available in the sandbox", self.file, self.line, self.command)
    }
}

/// Why a scenario could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// `index.json` is missing or not what Killercoda writes; the message says where.
    Malformed(String),
    /// The scenario needs commands the sandbox lacks.
    Unsupported(Vec<Unsupported>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Malformed(message) => f.write_str(message),
            ImportError::Unsupported(list) => {
                for (i, u) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{u}")?;
                }
                Ok(())
            }
        }
    }
}

/// Converts the scenario in `files` (path within its folder → text) into the files of a
/// lesson folder named `id` (path within that folder → text), or says why not.
pub fn import(files: &BTreeMap<String, String>, id: &str) -> Result<BTreeMap<String, String>, ImportError> {
    let index_text = files.get("index.json").ok_or_else(|| ImportError::Malformed("index.json: no such file in the scenario".into()))?;
    let index: Value = serde_json::from_str(index_text).map_err(|e| ImportError::Malformed(format!("index.json:{}: {e}", e.line())))?;
    let title = index["title"].as_str().unwrap_or(id).to_string();
    let description = index["description"].as_str().unwrap_or(&title).to_string();
    let details = &index["details"];
    let steps = details["steps"].as_array().filter(|s| !s.is_empty()).ok_or_else(|| ImportError::Malformed("index.json: details.steps is missing or empty".into()))?;

    let mut out = BTreeMap::new();
    let mut used: Vec<(String, u32, String)> = Vec::new();
    let mut yaml = String::new();
    yaml.push_str(&format!("id: {id}\ntitle:\n  ja: {t}\n  en: {t}\ndescription:\n  ja: {d}\n  en: {d}\nminutes: {m}\nsteps:\n", t = quote(&title), d = quote(&description), m = 5 * steps.len()));

    let read = |name: &str| -> Result<Option<(String, String)>, ImportError> {
        if name.is_empty() {
            return Ok(None);
        }
        match files.get(name) {
            Some(text) => Ok(Some((name.to_string(), text.clone()))),
            None => Err(ImportError::Malformed(format!("index.json names {name}, which is not in the scenario"))),
        }
    };
    // The intro's scripts prepare the first step.
    let intro_scripts: Vec<(String, String)> = ["background", "foreground"]
        .iter()
        .filter_map(|key| details["intro"][key].as_str())
        .map(|name| read(name))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let intro_text = match details["intro"]["text"].as_str() {
        Some(name) => read(name)?.map(|(_, t)| t),
        None => None,
    };

    for (n, step) in steps.iter().enumerate() {
        let number = n + 1;
        let step_title = step["title"].as_str().unwrap_or("Step").to_string();
        let (text_file, text) = match step["text"].as_str() {
            Some(name) => read(name)?.ok_or_else(|| ImportError::Malformed(format!("index.json: step {number} has an empty text")))?,
            None => return Err(ImportError::Malformed(format!("index.json: step {number} has no text"))),
        };
        let (body, commands) = convert_markdown(&text);
        for (line, command) in &commands {
            collect_commands(&text_file, *line, command, &mut used);
        }
        let mut text_out = String::new();
        if n == 0 {
            if let Some(intro) = &intro_text {
                text_out.push_str(&convert_markdown(intro).0);
                text_out.push('\n');
            }
        }
        text_out.push_str(&body);
        let text_name = format!("{number}-step");
        out.insert(format!("{text_name}.en.md"), text_out.clone());
        out.insert(format!("{text_name}.ja.md"), text_out);

        // Setup: the intro's scripts before the first step, then the step's own.
        let mut setup = String::new();
        let mut own: Vec<(String, String)> = Vec::new();
        if n == 0 {
            own.extend(intro_scripts.iter().cloned());
        }
        for key in ["background", "foreground"] {
            if let Some(name) = step[key].as_str() {
                own.extend(read(name)?);
            }
        }
        for (file, script) in &own {
            scan_script(file, script, &mut used);
            setup.push_str(&format!("# from {file}\n{script}\n"));
        }
        let verify_name = step["verify"].as_str().unwrap_or("");
        let verify = match read(verify_name)? {
            Some((file, script)) => {
                scan_script(&file, &script, &mut used);
                script
            }
            None => return Err(ImportError::Malformed(format!("index.json: step {number} has no verify script (a lesson step needs a check)"))),
        };
        out.insert(format!("{number}-verify.sh"), verify);
        yaml.push_str(&format!("  - id: step-{number}\n    title:\n      ja: {t}\n      en: {t}\n    text:\n      ja: {text_name}.ja.md\n      en: {text_name}.en.md\n", t = quote(&step_title)));
        if !setup.is_empty() {
            out.insert(format!("{number}-setup.sh"), setup);
            yaml.push_str(&format!("    setup: {number}-setup.sh\n"));
        }
        yaml.push_str(&format!("    verify: {number}-verify.sh\n    solution:\n"));
        if commands.is_empty() {
            return Err(ImportError::Malformed(format!("{text_file}: no {{{{exec}}}} command, so the step has no solution to test its check with")));
        }
        for (_, command) in &commands {
            yaml.push_str(&format!("      - run: {}\n", quote(command.trim_end())));
        }
    }
    out.insert(crate::LESSON_FILE.to_string(), yaml);

    let unsupported = unsupported(&used);
    if !unsupported.is_empty() {
        return Err(ImportError::Unsupported(unsupported));
    }
    Ok(out)
}

/// The command words the sandbox lacks, each reported where it is first used.
fn unsupported(used: &[(String, u32, String)]) -> Vec<Unsupported> {
    let mut sandbox = Sandbox::new(1);
    let mut known: BTreeMap<String, bool> = BTreeMap::new();
    let mut reported = BTreeSet::new();
    let mut out = Vec::new();
    for (file, line, word) in used {
        let ok = *known.entry(word.clone()).or_insert_with(|| {
            let safe = word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.[".contains(c));
            safe && sandbox.run_line(&format!("command -v {word} >/dev/null")).status == 0
        });
        if !ok && reported.insert((file.clone(), word.clone())) {
            out.push(Unsupported { file: file.clone(), line: *line, command: word.clone() });
        }
    }
    out
}

/// Killercoda Markdown to lesson Markdown: a code block closed with ```` ```{{exec}} ````
/// becomes a ```` ```bash run ```` block, `{{copy}}` markers go, and inline
/// `` `cmd`{{exec}} `` stays as code. Returns the text and the commands to run, with
/// their lines.
fn convert_markdown(text: &str) -> (String, Vec<(u32, String)>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut commands = Vec::new();
    let mut open: Option<(usize, u32, String)> = None; // (index in out, line, body)
    for (i, line) in lines.iter().enumerate() {
        let n = i as u32 + 1;
        let trimmed = line.trim_start();
        match &mut open {
            Some((at, start, body)) => {
                if trimmed.starts_with("```") {
                    let rest = trimmed.trim_start_matches('`').trim();
                    if rest.starts_with("{{exec") {
                        out[*at] = "```bash run".to_string();
                        commands.push((*start + 1, body.clone()));
                    }
                    out.push("```".to_string());
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                    out.push(line.to_string());
                }
            }
            None => {
                if trimmed.starts_with("```") {
                    open = Some((out.len(), n, String::new()));
                    out.push(line.to_string());
                } else {
                    let mut converted = line.to_string();
                    // Inline commands: `cmd`{{exec}} is clickable on Killercoda.
                    while let Some(pos) = converted.find("`{{exec") {
                        let end = converted[pos..].find("}}").map(|e| pos + e + 2).unwrap_or(converted.len());
                        if let Some(start) = converted[..pos].rfind('`') {
                            commands.push((n, format!("{}\n", &converted[start + 1..pos])));
                        }
                        converted.replace_range(pos + 1..end, "");
                    }
                    converted = converted.replace("{{copy}}", "");
                    out.push(converted);
                }
            }
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    (text, commands)
}

/// Adds the command words of a script to `used`, with their lines.
fn scan_script(file: &str, script: &str, used: &mut Vec<(String, u32, String)>) {
    let mut heredoc: Option<String> = None;
    for (i, line) in script.lines().enumerate() {
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        collect_commands(file, i as u32 + 1, line, used);
        if let Some(pos) = line.find("<<") {
            let word: String = line[pos + 2..]
                .trim_start_matches('-')
                .trim_start()
                .trim_start_matches(['\'', '"'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                heredoc = Some(word);
            }
        }
    }
}

const KEYWORDS: &[&str] = &["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "time", "{", "}", "(", ")", "[[", "]]", "esac", ";;", "in"];

/// The command words of one line (or block) of shell: the first word of each simple
/// command, after keywords and variable assignments.
fn collect_commands(file: &str, first_line: u32, text: &str, used: &mut Vec<(String, u32, String)>) {
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut segments = vec![String::new()];
        let chars: Vec<char> = line.chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            let two: String = chars[j..(j + 2).min(chars.len())].iter().collect();
            if two == "&&" || two == "||" || two == "$(" {
                segments.push(String::new());
                j += 2;
                continue;
            }
            if matches!(c, '|' | ';' | '`' | '(' | ')' | '&') {
                segments.push(String::new());
            } else {
                segments.last_mut().expect("one").push(c);
            }
            j += 1;
        }
        for segment in segments {
            let mut words = segment.split_whitespace().peekable();
            while let Some(w) = words.peek() {
                let assignment = w.contains('=') && !w.starts_with('=') && w.split('=').next().is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                if KEYWORDS.contains(w) || assignment {
                    words.next();
                } else {
                    break;
                }
            }
            let Some(word) = words.next() else { continue };
            if matches!(word, "for" | "case" | "function" | "select") {
                continue;
            }
            // Expansions, redirections, quoted strings and function definitions are not
            // command names the sandbox could look up.
            if word.starts_with(['$', '"', '\'', '>', '<', '-', '[']) && word != "[" || word.ends_with("()") || word.contains('=') {
                continue;
            }
            if word.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            used.push((file.to_string(), first_line + k as u32, word.to_string()));
        }
    }
}

/// A YAML double-quoted string.
fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_blocks_become_run_blocks_and_the_solution() {
        let (text, commands) = convert_markdown("Run:\n\n```\nkubectl get pods\n```{{exec}}\n\nor `kubectl get nodes`{{exec}} and `ls`{{copy}}\n");
        assert_eq!(text, "Run:\n\n```bash run\nkubectl get pods\n```\n\nor `kubectl get nodes` and `ls`\n");
        assert_eq!(commands, vec![(4, "kubectl get pods\n".to_string()), (7, "kubectl get nodes\n".to_string())]);
    }

    #[test]
    fn command_words_skip_keywords_assignments_and_heredocs() {
        let mut used = Vec::new();
        scan_script(
            "verify.sh",
            "#!/bin/bash\nset -e\nif ! kubectl get pod web | grep -q Running; then exit 1; fi\nX=1 docker ps && systemctl status kubelet\ncat <<EOF > f\nnotacommand here\nEOF\nfor i in 1 2; do echo $i; done\n",
            &mut used,
        );
        let words: Vec<(u32, &str)> = used.iter().map(|(_, l, w)| (*l, w.as_str())).collect();
        assert_eq!(
            words,
            vec![(2, "set"), (3, "kubectl"), (3, "grep"), (3, "exit"), (4, "docker"), (4, "systemctl"), (5, "cat"), (8, "echo")]
        );
    }
}
