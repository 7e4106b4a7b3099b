//! `jq` in the sandbox terminal, checked against what jq 1.7.1 prints (its sources at
//! tag `jq-1.7.1`: `src/main.c`, `src/jv_parse.c`, `src/jv_print.c`, `src/util.c`).
//! Where jaq's language differs from jq's, the test pins today's output and says so.

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

const DEPLOY: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25.3","ports":[{"containerPort":80}]}]}}}}"#;

#[test]
fn pretty_output_keeps_key_order_and_indents_two_spaces() {
    check(r#"{"spec": {"replicas": 3, "b": 1, "a": [1, 2.0, "x", null, true, {}, []]}}"#, "cat a.json | jq .spec", expect![[r#"
        {
          "replicas": 3,
          "b": 1,
          "a": [
            1,
            2.0,
            "x",
            null,
            true,
            {},
            []
          ]
        }
        [exit 0]
    "#]]);
}

#[test]
fn paths_from_the_notes() {
    check(DEPLOY, "jq .spec.template.spec.containers[0].image a.json", expect![[r#"
        "nginx:1.25.3"
        [exit 0]
    "#]]);
    check(DEPLOY, "jq -r '.spec.template.spec.containers[].ports[0].containerPort' a.json", expect![[r#"
        80
        [exit 0]
    "#]]);
    check(DEPLOY, "jq -c '{name: .metadata.name, replicas: .spec.replicas}' a.json", expect![[r#"
        {"name":"web","replicas":3}
        [exit 0]
    "#]]);
    check(DEPLOY, "jq -r '.metadata.labels | to_entries[] | \"\\(.key)=\\(.value)\"' a.json", expect![[r#"
        app=web
        [exit 0]
    "#]]);
    check(DEPLOY, "jq '.metadata | keys' a.json", expect![[r#"
        [
          "labels",
          "name"
        ]
        [exit 0]
    "#]]);
}

#[test]
fn output_options() {
    let input = r#"{"b": [1, {"c": "é\u0001"}], "a": "x"}"#;
    check(input, "jq -c . a.json", expect![[r#"
        {"b":[1,{"c":"é\u0001"}],"a":"x"}
        [exit 0]
    "#]]);
    check(input, "jq -S -c . a.json", expect![[r#"
        {"a":"x","b":[1,{"c":"é\u0001"}]}
        [exit 0]
    "#]]);
    check(input, "jq -a -c . a.json", expect![[r#"
        {"b":[1,{"c":"\u00e9\u0001"}],"a":"x"}
        [exit 0]
    "#]]);
    check(input, "jq --tab . a.json", expect![[r#"
        {
        	"b": [
        		1,
        		{
        			"c": "é\u0001"
        		}
        	],
        	"a": "x"
        }
        [exit 0]
    "#]]);
    check(input, "jq --indent 4 .b a.json", expect![[r#"
        [
            1,
            {
                "c": "é\u0001"
            }
        ]
        [exit 0]
    "#]]);
    check(input, "jq --indent 0 .b a.json", expect![[r#"
        [1,{"c":"é\u0001"}]
        [exit 0]
    "#]]);
    check(input, "jq --indent 8 . a.json", expect![[r#"
        jq: --indent takes a number between -1 and 7
        Use jq --help for help with command-line options,
        or see the jq manpage, or online docs  at https://jqlang.github.io/jq
        [exit 2]
    "#]]);
    check(r#"["a", "b\n", 1]"#, "jq -r '.[]' a.json", expect![[r#"
        a
        b

        1
        [exit 0]
    "#]]);
    check(r#"["a", "b", 1]"#, "jq -j '.[]' a.json", expect![[r#"
        ab1[exit 0]
    "#]]);
    check(r#"["a", "é"]"#, "jq -r -a '.[]' a.json", expect![[r#"
        "a"
        "\u00e9"
        [exit 0]
    "#]]);
    check(r#"{"a": [1, null, "s", true]}"#, "jq -C . a.json", expect![[r#"
        [1;39m{
          [0m[1;34m"a"[0m[1;39m: [0m[1;39m[
            [0;39m1[0m[1;39m,
            [0;90mnull[0m[1;39m,
            [0;32m"s"[0m[1;39m,
            [0;39mtrue[0m[1;39m
          [1;39m][0m[1;39m
        [1;39m}[0m
        [exit 0]
    "#]]);
    check(r#"{"a": 1}"#, "jq -C -M -c . a.json", expect![[r#"
        {"a":1}
        [exit 0]
    "#]]);
}

#[test]
fn numbers_print_as_jq_1_7_1_does() {
    // Literals keep their text (canonicalised as decNumber does); computed numbers
    // are doubles laid out by jq's dtoa.
    check(
        "[1, 1.0, 1.50, 100, -0, 1e2, 1E-7, 0.00001, 12345678901234567890123, 3.14159]",
        "jq -c . a.json",
        expect![[r#"
            [1,1.0,1.50,100,-0,1E+2,1E-7,0.00001,12345678901234567890123,3.14159]
            [exit 0]
        "#]],
    );
    check(
        "null",
        "jq -c '[6/2, 1/3, 0.1+0.2, 1e17*10, 1/100000, 2.5*2, -1.5, 1e300*1e10, nan, 3 % 2]' a.json",
        expect![[r#"
            [3,0.3333333333333333,0.30000000000000004,1e+18,1e-05,5,-1.5,1.7976931348623157e+308,null,1]
            [exit 0]
        "#]],
    );
}

#[test]
fn strings_are_escaped_as_jq_does() {
    check(r#""tab\t nl\n quote\" back\\ slash/ del\u007f bell\u0007 emoji😀""#, "jq . a.json", expect![[r#"
        "tab\t nl\n quote\" back\\ slash/ del\u007f bell\u0007 emoji😀"
        [exit 0]
    "#]]);
    check(r#""emoji😀""#, "jq -a . a.json", expect![[r#"
        "emoji\ud83d\ude00"
        [exit 0]
    "#]]);
}

#[test]
fn several_inputs_slurp_null_input_raw_input() {
    check("1 2\n[3]\n", "jq -c '[., input_line_number]' a.json", expect![[r#"
        [1,1]
        [2,1]
        [[3],2]
        [exit 0]
    "#]]);
    check("1 2\n[3]\n", "jq -c -s . a.json", expect![[r#"
        [1,2,[3]]
        [exit 0]
    "#]]);
    check("1 2 3", "jq -n '[inputs] | add' a.json", expect![[r#"
        6
        [exit 0]
    "#]]);
    check("1 2 3", "jq -n 'input' a.json", expect![[r#"
        1
        [exit 0]
    "#]]);
    check("one\ntwo\n", "jq -R . a.json", expect![[r#"
        "one"
        "two"
        [exit 0]
    "#]]);
    check("one\ntwo", "jq -Rs . a.json", expect![[r#"
        "one\ntwo"
        [exit 0]
    "#]]);
    check("", "jq -n '1 + 1'", expect![[r#"
        2
        [exit 0]
    "#]]);
    check("{\"a\":1}", "jq .a a.json a.json", expect![[r#"
        1
        1
        [exit 0]
    "#]]);
}

#[test]
fn named_and_positional_arguments() {
    check("", "jq -n --arg name web --argjson n '{\"x\":[1]}' '[$name, $n.x[0], $ARGS.named.name]' -c", expect![[r#"
        ["web",1,"web"]
        [exit 0]
    "#]]);
    check("", "jq -n -c '$ARGS.positional' --args a b", expect![[r#"
        ["a","b"]
        [exit 0]
    "#]]);
    check("", "jq -n -c '$ARGS.positional' --jsonargs 1 '{\"a\":2}'", expect![[r#"
        [1,{"a":2}]
        [exit 0]
    "#]]);
    check("", "jq -n --argjson x '{bad' '$x'", expect![[r#"
        jq: invalid JSON text passed to --argjson
        Use jq --help for help with command-line options,
        or see the jq manpage, or online docs  at https://jqlang.github.io/jq
        [exit 2]
    "#]]);
    check("", "jq -n --arg x", expect![[r#"
        jq: --arg takes two parameters (e.g. --arg varname value)
        Use jq --help for help with command-line options,
        or see the jq manpage, or online docs  at https://jqlang.github.io/jq
        [exit 2]
    "#]]);
    check("", "jq -n '$ENV.HOME, env.HOME'", expect![[r#"
        "/home/learner"
        "/home/learner"
        [exit 0]
    "#]]);
}

#[test]
fn exit_status_with_e() {
    check("", "jq -n -e 'true'", expect![[r#"
        true
        [exit 0]
    "#]]);
    check("", "jq -n -e 'null'", expect![[r#"
        null
        [exit 1]
    "#]]);
    check("", "jq -n -e 'false'", expect![[r#"
        false
        [exit 1]
    "#]]);
    check("", "jq -n -e 'empty'", expect![[r#"
        [exit 4]
    "#]]);
    check("", "jq -n 'empty'", expect![[r#"
        [exit 0]
    "#]]);
    check("", "jq -n 'null'", expect![[r#"
        null
        [exit 0]
    "#]]);
    check("", "jq -n 'halt_error'", expect![[r#"
        [exit 5]
    "#]]);
    check("", "jq -n '\"bye\\n\" | halt_error(1)'", expect![[r#"
        bye
        [exit 1]
    "#]]);
    check("", "jq -n '{a:1} | halt_error'", expect![[r#"
        {"a":1}
        [exit 5]
    "#]]);
    check("", "jq -n '1, halt, 2'", expect![[r#"
        1
        [exit 0]
    "#]]);
}

#[test]
fn syntax_and_compile_errors() {
    check("", "jq '.a |'", expect![[r#"
        jq: error: syntax error, unexpected end of file (Unix shell quoting issues?) at <top-level>, line 1:
        .a |   
        jq: 1 compile error
        [exit 3]
    "#]]);
    check("", "jq -n '{a: }'", expect![[r#"
        jq: error: syntax error, unexpected '}' (Unix shell quoting issues?) at <top-level>, line 1:
        {a: }    
        jq: 1 compile error
        [exit 3]
    "#]]);
    check("", "jq -n '.items[] | select(.metadata.name == nginx)'", expect![[r#"
        jq: error: nginx/0 is not defined at <top-level>, line 1:
        .items[] | select(.metadata.name == nginx)                                    
        jq: 1 compile error
        [exit 3]
    "#]]);
    check("", "jq -n '$x'", expect![[r#"
        jq: error: $x is not defined at <top-level>, line 1:
        $x
        jq: 1 compile error
        [exit 3]
    "#]]);
    check("", "jq -n '[1,2'", expect![[r#"
        jq: error: syntax error, unexpected end of file (Unix shell quoting issues?) at <top-level>, line 1:
        [1,2   
        jq: 1 compile error
        [exit 3]
    "#]]);
}

#[test]
fn invalid_json_input() {
    check("{\"a\": 1", "jq . a.json", expect![[r#"
        jq: parse error: Unfinished JSON term at EOF at line 1, column 7
        [exit 5]
    "#]]);
    check("foobar\n", "cat a.json | jq .", expect![[r#"
        jq: parse error: Invalid literal at line 2, column 0
        [exit 5]
    "#]]);
    check("{\"a\":1}\n{\"a\" 2}\n", "jq -c . a.json", expect![[r#"
        {"a":1}
        jq: parse error: Expected separator between values at line 2, column 7
        [exit 5]
    "#]]);
    check("[1,2,]", "jq . a.json", expect![[r#"
        jq: parse error: Expected another array element at line 1, column 6
        [exit 5]
    "#]]);
    check("{\"a\":1,}", "jq . a.json", expect![[r#"
        jq: parse error: Expected another key-value pair at line 1, column 8
        [exit 5]
    "#]]);
    check("\"abc", "jq . a.json", expect![[r#"
        jq: parse error: Unfinished string at EOF at line 1, column 4
        [exit 5]
    "#]]);
    check("01x", "jq . a.json", expect![[r#"
        jq: parse error: Invalid numeric literal at EOF at line 1, column 3
        [exit 5]
    "#]]);
    check("", "jq . a.json", expect![[r#"
        [exit 0]
    "#]]);
}

#[test]
fn runtime_errors_in_jq_words() {
    check("[1]\n", "jq .foo a.json", expect![[r#"
        jq: error (at a.json:1): Cannot index array with string "foo"
        [exit 5]
    "#]]);
    check("[1]", "cat a.json | jq .foo", expect![[r#"
        jq: error (at <stdin>:0): Cannot index array with string "foo"
        [exit 5]
    "#]]);
    // FIXME: jq 1.7.1 says `Cannot index object with number`; jaq answers null.
    check("", "jq -n '{a:1} | .[0]'", expect![[r#"
        null
        [exit 0]
    "#]]);
    check("", "jq -n '1 | .[]'", expect![[r#"
        jq: error (at <unknown>): Cannot iterate over number (1)
        [exit 5]
    "#]]);
    check("", "jq -n '{} + 1'", expect![[r#"
        jq: error (at <unknown>): object ({}) and number (1) cannot be added
        [exit 5]
    "#]]);
    check("", "jq -n '\"abcdefghijklmnopqrstu\" - 1'", expect![[r#"
        jq: error (at <unknown>): string ("abcdefghij...) and number (1) cannot be subtracted
        [exit 5]
    "#]]);
    check("", "jq -n 'error(\"custom\")'", expect![[r#"
        jq: error (at <unknown>): custom
        [exit 5]
    "#]]);
    check("", "jq -n 'error({a:1})'", expect![[r#"
        jq: error (at <unknown>) (not a string): {"a":1}
        [exit 5]
    "#]]);
    check("1 [2] 3", "jq -c '.[0]' a.json", expect![[r#"
        jq: error (at a.json:0): Cannot index number with number
        2
        jq: error (at a.json:0): Cannot index number with number
        [exit 5]
    "#]]);
    check("", "jq -n 'try error(\"x\") catch .'", expect![[r#"
        "x"
        [exit 0]
    "#]]);
    check("[1]", "jq '.foo?' a.json", expect![[r#"
        [exit 0]
    "#]]);
    check("", "jq -n 'true | length'", expect![[r#"
        jq: error (at <unknown>): boolean (true) has no length
        [exit 5]
    "#]]);
    check("", "jq -n '\"abc\" | tonumber'", expect![[r#"
        jq: error (at <unknown>): Invalid numeric literal at EOF at line 1, column 3 (while parsing 'abc')
        [exit 5]
    "#]]);
    check("", "jq -n '\"[1]\" | tonumber'", expect![[r#"
        jq: error (at <unknown>): string ("[1]") cannot be parsed as a number
        [exit 5]
    "#]]);
    check("", "jq -n '\"[1,2] 3\" | fromjson'", expect![[r#"
        jq: error (at <unknown>): Unexpected extra JSON values (while parsing '[1,2] 3')
        [exit 5]
    "#]]);
    check("", "jq -n 'input'", expect![[r#"
        jq: error (at <unknown>): No more inputs
        [exit 5]
    "#]]);
    check("", "jq -n '[1, \"a\", {}] | @csv'", expect![[r#"
        jq: error (at <unknown>): object ({}) is not valid in a csv row
        [exit 5]
    "#]]);
}

#[test]
fn files_and_usage() {
    check("1", "jq . nofile", expect![[r#"
        jq: error: Could not open file nofile: No such file or directory
        [exit 2]
    "#]]);
    check("1\n", "jq . a.json nofile a.json", expect![[r#"
        1
        jq: error: Could not open file nofile: No such file or directory
        1
        [exit 2]
    "#]]);
    check("1", "mkdir d; jq . d", expect![[r#"
        jq: error: Is a directory
        [exit 2]
    "#]]);
    check("{\"a\":5}", "echo .a > p.jq; echo '1 2' > v.json; jq -f p.jq a.json; jq -n -c --slurpfile v v.json --rawfile r p.jq '$v, $r'", expect![[r#"
        5
        [1,2]
        ".a\n"
        [exit 0]
    "#]]);
    check("", "jq -n --slurpfile v nofile '$v'", expect![[r#"
        jq: Bad JSON in --slurpfile v nofile: Could not open nofile: No such file or directory
        [exit 2]
    "#]]);
    // One parser reads all files as one stream, so `1` and `1` without newlines
    // make the number 11, as in jq.
    check("1", "jq . a.json a.json", expect![[r#"
        11
        [exit 0]
    "#]]);
    check("", "jq", expect![[r#"
        jq - commandline JSON processor [version 1.7.1]

        Usage:	jq [options] <jq filter> [file...]
        	jq [options] --args <jq filter> [strings...]
        	jq [options] --jsonargs <jq filter> [JSON_TEXTS...]

        jq is a tool for processing JSON inputs, applying the given filter to
        its JSON text inputs and producing the filter's results as JSON on
        standard output.

        The simplest filter is ., which copies jq's input to its output
        unmodified except for formatting. For more advanced filters see
        the jq(1) manpage ("man jq") and/or https://jqlang.github.io/jq/.

        Example:

        	$ echo '{"foo": 0}' | jq .
        	{
        	  "foo": 0
        	}

        For listing the command options, use jq --help.
        [exit 2]
    "#]]);
    check("{\"a\":1}", "cat a.json | jq", expect![[r#"
        {
          "a": 1
        }
        [exit 0]
    "#]]);
    check("", "jq --version", expect![[r#"
        jq-1.7.1
        [exit 0]
    "#]]);
    check("", "jq -x .", expect![[r#"
        jq: Unknown option -x
        Use jq --help for help with command-line options,
        or see the jq manpage, or online docs  at https://jqlang.github.io/jq
        [exit 2]
    "#]]);
    check("", "jq -nrx .", expect![[r#"
        jq: Unknown option -nrx
        Use jq --help for help with command-line options,
        or see the jq manpage, or online docs  at https://jqlang.github.io/jq
        [exit 2]
    "#]]);
}

#[test]
fn builtins_learners_use() {
    let pods = r#"{"items":[{"metadata":{"name":"a","labels":{"app":"web"}},"status":{"phase":"Running"}},{"metadata":{"name":"b","labels":{"app":"db"}},"status":{"phase":"Pending"}}]}"#;
    check(pods, "jq -r '.items[] | select(.status.phase == \"Running\") | .metadata.name' a.json", expect![[r#"
        a
        [exit 0]
    "#]]);
    check(pods, "jq -c '[.items[].metadata.name] | length, join(\",\"), map(ascii_upcase)' a.json", expect![[r#"
        2
        "a,b"
        ["A","B"]
        [exit 0]
    "#]]);
    check(pods, "jq -c '.items | map({(.metadata.name): .status.phase}) | add' a.json", expect![[r#"
        {"a":"Running","b":"Pending"}
        [exit 0]
    "#]]);
    check(pods, "jq -c '.items | group_by(.status.phase) | map({phase: .[0].status.phase, n: length})' a.json", expect![[r#"
        [{"phase":"Pending","n":1},{"phase":"Running","n":1}]
        [exit 0]
    "#]]);
    check(pods, "jq -r '.items[] | [.metadata.name, .status.phase] | @tsv' a.json", expect![[r#"
        a	Running
        b	Pending
        [exit 0]
    "#]]);
    check(pods, "jq -r '.items[] | [.metadata.name, .status.phase] | @csv' a.json", expect![[r#"
        "a","Running"
        "b","Pending"
        [exit 0]
    "#]]);
    check(pods, "jq -c '([paths(type == \"string\")] | length), (.items[0] | del(.status)), ([.. | strings] | first)' a.json", expect![[r#"
        6
        {"metadata":{"name":"a","labels":{"app":"web"}}}
        "a"
        [exit 0]
    "#]]);
    check(
        r#"[{"name":"A","value":"1"},{"name":"B","value":"2"}]"#,
        "jq -c 'from_entries, (from_entries | with_entries(.value |= tonumber)), ([.[].value | tonumber] | add)' a.json",
        expect![[r#"
            {"A":"1","B":"2"}
            {"A":1,"B":2}
            3
            [exit 0]
        "#]],
    );
    check(
        r#""2026-11-30T09:00:00Z""#,
        "jq -c 'fromdate, (fromdate | todate), (now | todate), (0 | strftime(\"%Y\"))' a.json",
        expect![[r#"
            1796029200
            "2026-11-30T09:00:00Z"
            "2026-11-30T09:00:00Z"
            "1970"
            [exit 0]
        "#]],
    );
    let many = [
        r#"[3,1,2] | sort, min, max, unique, reverse"#,
        r#"[1,2] | tojson, tostring, (tojson | fromjson)"#,
        r#"1.0, (1.0 | tostring), (6/2 | tostring), (infinite | tostring)"#,
        r#""a-b-c" | split("-"), test("B"; "i"), ltrimstr("a-"), ascii_upcase, explode, length"#,
        r#"[1,[2,[3]]] | flatten, flatten(1), contains([1]), (.[1:] | length)"#,
        r#"[limit(3; repeat(1))], [range(0; 10; 3)], first(range(5; 10)), nth(1; range(5))"#,
        r#""a b" | @sh, @uri, @base64, (@base64 | @base64d), @base32, @html, @json, @text"#,
        r#"[1, "a,b", null, true] | @csv, @tsv"#,
        r#"{a: {b: 1}} | [leaf_paths], [paths], getpath(["a", "b"]), has("a"), (keys | join(","))"#,
        r#""abc" | sub("b"; "X"), gsub("[ac]"; "Z"), [match("b").offset], capture("(?<x>b)"), [scan("[a-c]")]"#,
        r#"{a: 1} | tostream, ([tostream] | fromstream(.[])), to_entries, with_entries(.value += 1)"#,
        r#"null | setpath(["a", "b"]; 1), setpath([2]; 1), ([] | getpath(["x"]))"#,
        r#"[{a: 2}, {a: 1}] | min_by(.a), max_by(.a), sort_by(.a), group_by(.a), unique_by(.a), (map(.a) | add)"#,
        r#"{a: {b: 1}} * {a: {c: 2}}, ([1, 2, 3] - [2]), ("ab" * 2), (10 % 3), (-5 | abs), (2.5 | floor, ceil, round)"#,
        r#"{} | .a //= 3, ([1, 2, 3] | .[1] |= . * 10), (del(.x)), ([1, null] | map(values)), isempty(empty)"#,
        r#"[.[]?], (try error("x") catch .), (label $out | 1, break $out, 2), ([1, 2] | any(. > 1), all(. > 1))"#,
        r#"$ENV | type, (env | has("HOME")), input_filename, ([1, 2] | IN(2)), (2 | IN(1, 2)), ({} | INDEX(.a) )"#,
    ];
    let mut s = Sandbox::new(1);
    let mut text = String::new();
    for f in many {
        let out = s.run_line(&format!("jq -nc '{f}'"));
        text.push_str(&format!("{f}\n{}[exit {}]\n", out.text, out.status));
    }
    expect![[r#"
        [3,1,2] | sort, min, max, unique, reverse
        [1,2,3]
        1
        3
        [1,2,3]
        [2,1,3]
        [exit 0]
        [1,2] | tojson, tostring, (tojson | fromjson)
        "[1,2]"
        "[1,2]"
        [1,2]
        [exit 0]
        1.0, (1.0 | tostring), (6/2 | tostring), (infinite | tostring)
        1.0
        "1.0"
        "3"
        "1.7976931348623157e+308"
        [exit 0]
        "a-b-c" | split("-"), test("B"; "i"), ltrimstr("a-"), ascii_upcase, explode, length
        ["a","b","c"]
        true
        "b-c"
        "A-B-C"
        [97,45,98,45,99]
        5
        [exit 0]
        [1,[2,[3]]] | flatten, flatten(1), contains([1]), (.[1:] | length)
        [1,2,3]
        [1,2,[3]]
        true
        1
        [exit 0]
        [limit(3; repeat(1))], [range(0; 10; 3)], first(range(5; 10)), nth(1; range(5))
        [1,1,1]
        [0,3,6,9]
        5
        1
        [exit 0]
        "a b" | @sh, @uri, @base64, (@base64 | @base64d), @base32, @html, @json, @text
        "'a b'"
        "a%20b"
        "YSBi"
        "a b"
        "MEQGE==="
        "a b"
        "\"a b\""
        "a b"
        [exit 0]
        [1, "a,b", null, true] | @csv, @tsv
        "1,\"a,b\",,true"
        "1\ta,b\t\ttrue"
        [exit 0]
        {a: {b: 1}} | [leaf_paths], [paths], getpath(["a", "b"]), has("a"), (keys | join(","))
        [["a","b"]]
        [["a"],["a","b"]]
        1
        true
        "a"
        [exit 0]
        "abc" | sub("b"; "X"), gsub("[ac]"; "Z"), [match("b").offset], capture("(?<x>b)"), [scan("[a-c]")]
        "aXc"
        "ZbZ"
        [1]
        {"x":"b"}
        ["a","b","c"]
        [exit 0]
        {a: 1} | tostream, ([tostream] | fromstream(.[])), to_entries, with_entries(.value += 1)
        [["a"],1]
        [["a"]]
        {"a":1}
        [{"key":"a","value":1}]
        {"a":2}
        [exit 0]
        null | setpath(["a", "b"]; 1), setpath([2]; 1), ([] | getpath(["x"]))
        {"a":{"b":1}}
        [null,null,1]
        jq: error (at <unknown>): Cannot index array with string "x"
        [exit 5]
        [{a: 2}, {a: 1}] | min_by(.a), max_by(.a), sort_by(.a), group_by(.a), unique_by(.a), (map(.a) | add)
        {"a":1}
        {"a":2}
        [{"a":1},{"a":2}]
        [[{"a":1}],[{"a":2}]]
        [{"a":1},{"a":2}]
        3
        [exit 0]
        {a: {b: 1}} * {a: {c: 2}}, ([1, 2, 3] - [2]), ("ab" * 2), (10 % 3), (-5 | abs), (2.5 | floor, ceil, round)
        {"a":{"b":1,"c":2}}
        [1,3]
        "abab"
        1
        5
        2
        3
        3
        [exit 0]
        {} | .a //= 3, ([1, 2, 3] | .[1] |= . * 10), (del(.x)), ([1, null] | map(values)), isempty(empty)
        {"a":3}
        [1,20,3]
        {}
        [1]
        true
        [exit 0]
        [.[]?], (try error("x") catch .), (label $out | 1, break $out, 2), ([1, 2] | any(. > 1), all(. > 1))
        []
        "x"
        1
        true
        false
        [exit 0]
        $ENV | type, (env | has("HOME")), input_filename, ([1, 2] | IN(2)), (2 | IN(1, 2)), ({} | INDEX(.a) )
        "object"
        true
        null
        false
        true
        {}
        [exit 0]
    "#]].assert_eq(&text);
}

#[test]
fn differences_from_jq_1_7_1() {
    // FIXME: jq creates objects and arrays when `=` or `|=` meets null or runs past
    // an array's end (`null | .a = 1` is `{"a":1}`); jaq's update operators do not.
    // `setpath` is jq's. Learners meet this with `.metadata.annotations.x = "y"`.
    check("{}", "jq -c '.a.b = 1' a.json", expect![[r#"
        jq: error (at a.json:0): Cannot iterate over null (null)
        [exit 5]
    "#]]);
    check("[1]", "jq -c '.[2] = 1' a.json", expect![[r#"
        jq: error (at a.json:0): index 2 out of bounds
        [exit 5]
    "#]]);
    check("{}", "jq -c 'setpath([\"a\",\"b\"]; 1)' a.json", expect![[r#"
        {"a":{"b":1}}
        [exit 0]
    "#]]);
    // FIXME: string interpolation formats numbers as jaq does (`3.0` where jq
    // prints `3`); `tostring` and `tojson` are jq's.
    check("", "jq -nc '\"\\(6/2) \\(6/2 | tostring)\"'", expect![[r#"
        "3.0 3"
        [exit 0]
    "#]]);
    // FIXME: jq 1.7.1 has `$__loc__` (`{"file":"<top-level>","line":1}`) and its
    // `limit` with a negative count passes everything through; jaq has neither.
    check("", "jq -nc '$__loc__'", expect![[r#"
        jq: error: $__loc__ is not defined at <top-level>, line 1:
        $__loc__
        jq: 1 compile error
        [exit 3]
    "#]]);
    check("", "jq -nc '[limit(-1; 1, 2)]'", expect![[r#"
        []
        [exit 0]
    "#]]);
    // FIXME: integer arithmetic is exact in jaq; jq 1.7.1 computes with doubles and
    // prints 9007199254740992 and 3e+20 here.
    check("", "jq -nc '9007199254740993 + 0, 100000000000000000000 * 3'", expect![[r#"
        9007199254740993
        300000000000000000000
        [exit 0]
    "#]]);
}

#[test]
fn runaway_filters_stop_with_an_error() {
    check("", "jq -n 'repeat(1)' | wc -l", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter ran for more than 2000000 steps (the sandbox's limit)
        499999
        [exit 0]
    "#]]);
    check("", "jq -n 'until(false; .)'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter ran for more than 2000000 steps (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n '[range(1e9)] | length'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter ran for more than 2000000 steps (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n 'def f: f; f'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter ran for more than 2000000 steps (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n 'def f: [f]; f'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter recursed too deeply (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n 'def f: 1 + f; f'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter recursed too deeply (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n 'last(range(1e9))'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter ran for more than 2000000 steps (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n 'reduce range(1e9) as $i (0; . + $i)'", expect![[r#"
        jq: error (at <unknown>): jq stopped: the filter ran for more than 2000000 steps (the sandbox's limit)
        [exit 5]
    "#]]);
    check("", "jq -n '[limit(100000; repeat(\"0123456789\"))] | add | length'", expect![[r#"
        1000000
        [exit 0]
    "#]]);
    // jq prints values nested deeper than 256 levels as `<skipped: too deep>`.
    check("", "jq -n -c 'reduce range(300) as $i (0; [.])' | tail -c 60", expect![[r#"
        ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
        [exit 0]
    "#]]);
    // FIXME: dropping a value nested tens of thousands deep (only a loop like this
    // builds one) recurses in jaq and can overflow the stack; 2 000 levels are fine.
    check("", "jq -n 'reduce range(2000) as $i (null; [.]) | tojson | length'", expect![[r#"
        533
        [exit 0]
    "#]]);
}

#[test]
fn the_notes_deployment_image() {
    let mut s = Sandbox::new(7);
    let out = s.run_line("kind create cluster");
    assert_eq!(out.status, 0, "{}", out.text);
    s.write_file(
        "nginx-deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx-deployment\n  labels:\n    app: nginx\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25.3\n        ports:\n        - containerPort: 80\n",
    )
    .unwrap();
    let out = s.run_line("kubectl apply -f nginx-deployment.yaml");
    assert_eq!(out.status, 0, "{}", out.text);
    let out = s.run_line("kubectl get deployment nginx-deployment -o json | jq .spec.template.spec.containers[0].image");
    expect![[r#"
        "nginx:1.25.3"
        [exit 0]
    "#]].assert_eq(&format!("{}[exit {}]\n", out.text, out.status));
    let out = s.run_line("kubectl get deployment nginx-deployment -o json | jq -r '.metadata.name, .spec.replicas, (.metadata.labels | keys[])'");
    expect![[r#"
        nginx-deployment
        3
        app
        [exit 0]
    "#]].assert_eq(&format!("{}[exit {}]\n", out.text, out.status));
    let out = s.run_line("kubectl get pods -o json | jq -r '.items[] | .metadata.name' | wc -l");
    expect![[r#"
        3
        [exit 0]
    "#]].assert_eq(&format!("{}[exit {}]\n", out.text, out.status));
}

/// SplitMix64: a tiny portable generator, enough to vary filters and inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_filter(r: &mut Rng, depth: u32) -> String {
    const LEAVES: &[&str] = &[
        ".", ".a", ".b", ".[0]", ".[]", ".[]?", "..", "1", "\"s\"", "null", "true", "[]", "{}", "length", "keys", "type",
        "tostring", "tojson", "empty", "input", "$ENV", "env", "now", "range(3)", "range(1e9)", "repeat(1)", "error",
        "error(\"x\")", "add", "not", "paths", "tostream", "to_entries", "ascii_downcase", "@csv", "@base64d", "fromjson",
        "infinite", "nan", "-1", "1.5", "\"\\(.)\"", "$__loc__", "input_line_number", "splits(\"a\")", "implode",
        "explode", "floor", "sort", "unique", "flatten", "min", "max", "reverse", "halt", "recurse", "leaf_paths",
        "\"é😀\"", "é", ".é", "@tsv", "getpath([\"a\", 0])", "setpath([\"a\"]; 1)", "tojson", "fromstream(tostream)",
    ];
    if depth == 0 || r.below(3) == 0 {
        let leaf = r.pick(LEAVES).to_string();
        // Now and then a syntax error.
        return match r.below(40) {
            0 => format!("{leaf} |"),
            1 => format!("({leaf}"),
            2 => format!("{leaf} }}"),
            _ => leaf,
        };
    }
    let a = random_filter(r, depth - 1);
    let b = random_filter(r, depth - 1);
    match r.below(24) {
        0 => format!("{a} | {b}"),
        1 => format!("{a}, {b}"),
        2 => format!("[{a}]"),
        3 => format!("{{a: {a}}}"),
        4 => format!("map({a})"),
        5 => format!("select({a})"),
        6 => format!("{a} + {b}"),
        7 => format!("{a} * {b}"),
        8 => format!("{a} // {b}"),
        9 => format!("try {a} catch {b}"),
        10 => format!("({a})?"),
        11 => format!("reduce {a} as $x (0; . + 1)"),
        12 => format!("[limit(5; {a})]"),
        13 => format!("first({a})"),
        14 => format!("until({a}; {b})"),
        15 => format!("{a} as $v | {b}"),
        16 => format!("if {a} then {b} else . end"),
        17 => format!("{a} == {b}"),
        18 => format!(".a = {a}"),
        19 => format!("{a} |= {b}"),
        20 => format!("def f: {a}; f | {b}"),
        21 => format!("[.[] | {a}]"),
        22 => format!("with_entries({a})"),
        _ => format!("{a} - {b}"),
    }
}

fn random_input(r: &mut Rng) -> String {
    const INPUTS: &[&str] = &[
        "{\"a\": 1, \"b\": [1, 2, {\"c\": null}]}\n",
        "[1, 2.5, \"a\", true, null]",
        "1 2 3",
        "\"text\"\n",
        "",
        "{\"a\":",
        "[1,,2]",
        "nul",
        "{\"items\": [{\"metadata\": {\"name\": \"x\"}}]}",
        "1e1000 -0 0.1",
        "\"\\ud800\"",
        "[[[[[[[[[[1]]]]]]]]]]",
    ];
    let mut s = String::new();
    for _ in 0..=r.below(2) {
        s.push_str(r.pick(INPUTS));
    }
    s
}

/// Random filters over random inputs: never a panic, always one of jq's exit
/// statuses, and each run bounded in time. The seed is printed on failure.
#[test]
fn seeded_fuzz_never_panics_and_stays_bounded() {
    let seed = std::env::var("JQ_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261130u64);
    let runs: u64 = std::env::var("JQ_FUZZ_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(150);
    let mut r = Rng(seed);
    let mut s = Sandbox::new(seed);
    for i in 0..runs {
        let filter = random_filter(&mut r, 4).replace('\'', "");
        let input = random_input(&mut r);
        s.write_file("in.json", &input).unwrap();
        let flags = r.pick(&["-c", "", "-r", "-n", "-s", "-e", "-S", "--tab", "-j", "-R"]);
        let line = format!("jq {flags} '{filter}' in.json");
        let started = std::time::Instant::now();
        let out = s.run_line(&line);
        let took = started.elapsed();
        assert!(
            matches!(out.status, 0..=5),
            "seed {seed} run {i}: {line} on {input:?} exited {}: {}",
            out.status,
            out.text
        );
        assert!(took.as_secs() < 30, "seed {seed} run {i}: {line} took {took:?}");
    }
}
