//! `jq` in the sandbox terminal, checked against what jq 1.7.1 prints.

use expect_test::{expect, Expect};
use kubeniwa_sandbox::Sandbox;

/// Runs `line` in a fresh sandbox with `a.json` holding `input`; shows the terminal
/// text and the exit status.
fn check(input: &str, line: &str, expect: Expect) {
    let mut s = Sandbox::new(1);
    s.write_file("a.json", input).unwrap();
    let out = s.run_line(line);
    expect.assert_eq(&format!("{}[exit {}]\n", out.text, out.status));
}

#[test]
fn field_of_an_object() {
    check(r#"{"spec": {"replicas": 3, "x": [1, 2.0, "a"]}}"#, "cat a.json | jq .spec", expect![[r#"
        {
          "replicas": 3,
          "x": [
            1,
            2.0,
            "a"
          ]
        }
        [exit 0]
    "#]]);
}
