use expect_test::{expect, Expect};
use serde_json::{json, Value};

use super::*;

fn pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "myapp", "namespace": "default", "labels": {"app": "myapp", "tier": "web"}},
        "spec": {"containers": [
            {"name": "hello-server", "image": "blux2/hello-server:1.0", "ports": [{"containerPort": 8080, "protocol": "TCP"}]},
            {"name": "sidecar", "image": "busybox:1.36"}
        ]},
        "status": {
            "phase": "Running",
            "podIP": "10.244.0.5",
            "conditions": [
                {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True"},
                {"type": "PodScheduled", "status": "False"}
            ]
        }
    })
}

fn list() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"metadata": {"name": "a"}, "status": {"podIP": "10.0.0.1"}},
            {"metadata": {"name": "b"}, "status": {}}
        ],
        "metadata": {"resourceVersion": ""}
    })
}

fn check(template: &str, data: &Value, expect: Expect) {
    let got = match print_jsonpath(template, data) {
        Ok(s) => s,
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&got);
}

#[test]
fn notes_examples() {
    check("{.spec.containers[].image}", &pod(), expect!["blux2/hello-server:1.0"]);
    check("{.spec.containers[0].image}", &pod(), expect!["blux2/hello-server:1.0"]);
    check("{.status.podIP}", &pod(), expect!["10.244.0.5"]);
}

#[test]
fn wildcards_and_ranges() {
    check("{.spec.containers[*].name}", &pod(), expect!["hello-server sidecar"]);
    check("{.items[*].metadata.name}", &list(), expect!["a b"]);
    check("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.podIP}{\"\\n\"}{end}", &list(), expect![[r#"
        a	10.0.0.1
        b	
    "#]]);
    check("{.metadata.labels}", &pod(), expect![[r#"{"app":"myapp","tier":"web"}"#]]);
    check("{.spec.containers[-1:].name}", &pod(), expect!["sidecar"]);
    check("{.metadata.labels.*}", &pod(), expect!["myapp web"]);
    check("{..name}", &pod(), expect!["myapp hello-server sidecar"]);
    check("{.spec.containers[0,1].name}", &pod(), expect!["hello-server sidecar"]);
    check("{.metadata['name']}", &pod(), expect!["myapp"]);
    check("name: {.metadata.name}!", &pod(), expect!["name: myapp!"]);
    check(".metadata.name", &pod(), expect![".metadata.name"]);
    check("{.spec.containers[0].ports[0].containerPort}", &pod(), expect!["8080"]);
}

#[test]
fn filters() {
    check("{.status.conditions[?(@.type==\"Ready\")].status}", &pod(), expect!["True"]);
    check("{.status.conditions[?(@.status!='True')].type}", &pod(), expect!["PodScheduled"]);
    check("{.spec.containers[?(@.ports)].name}", &pod(), expect!["hello-server"]);
    check("{.spec.containers[0].ports[?(@.containerPort>8000)].protocol}", &pod(), expect!["TCP"]);
    check("{.spec.containers[0].ports[?(@.containerPort==\"8080\")].protocol}", &pod(), expect![[r#"
        error: error executing jsonpath "{.spec.containers[0].ports[?(@.containerPort==\"8080\")].protocol}": Error executing template: incompatible types for comparison. Printing more information for debugging the template:
        	template was:
        		{.spec.containers[0].ports[?(@.containerPort=="8080")].protocol}
        	object given to jsonpath engine was:
        		map[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"labels":map[string]interface {}{"app":"myapp", "tier":"web"}, "name":"myapp", "namespace":"default"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"blux2/hello-server:1.0", "name":"hello-server", "ports":[]interface {}{map[string]interface {}{"containerPort":8080, "protocol":"TCP"}}}, map[string]interface {}{"image":"busybox:1.36", "name":"sidecar"}}}, "status":map[string]interface {}{"conditions":[]interface {}{map[string]interface {}{"status":"True", "type":"Initialized"}, map[string]interface {}{"status":"True", "type":"Ready"}, map[string]interface {}{"status":"False", "type":"PodScheduled"}}, "phase":"Running", "podIP":"10.244.0.5"}}


    "#]]);
}

#[test]
fn missing_keys() {
    check("{.foo}", &pod(), expect![""]);
    let jp = JsonPath::parse("{.foo}").unwrap().allow_missing_keys(false);
    expect!["foo is not found"].assert_eq(&jp.execute(&pod()).unwrap_err().to_string());
    check("{.spec.containers[5].name}", &pod(), expect![[r#"
        error: error executing jsonpath "{.spec.containers[5].name}": Error executing template: array index out of bounds: index 5, length 2. Printing more information for debugging the template:
        	template was:
        		{.spec.containers[5].name}
        	object given to jsonpath engine was:
        		map[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"labels":map[string]interface {}{"app":"myapp", "tier":"web"}, "name":"myapp", "namespace":"default"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"blux2/hello-server:1.0", "name":"hello-server", "ports":[]interface {}{map[string]interface {}{"containerPort":8080, "protocol":"TCP"}}}, map[string]interface {}{"image":"busybox:1.36", "name":"sidecar"}}}, "status":map[string]interface {}{"conditions":[]interface {}{map[string]interface {}{"status":"True", "type":"Initialized"}, map[string]interface {}{"status":"True", "type":"Ready"}, map[string]interface {}{"status":"False", "type":"PodScheduled"}}, "phase":"Running", "podIP":"10.244.0.5"}}


    "#]]);
}

#[test]
fn parse_errors() {
    check("{.metadata.name", &pod(), expect!["error: error parsing jsonpath {.metadata.name, unclosed action"]);
    check("{.a[1}", &pod(), expect!["error: error parsing jsonpath {.a[1}, unterminated array"]);
    check("{#}", &pod(), expect!["error: error parsing jsonpath {#}, unrecognized character in action: U+0023 '#'"]);
    check("{end}", &pod(), expect![[r#"
        error: error executing jsonpath "{end}": Error executing template: not in range, nothing to end. Printing more information for debugging the template:
        	template was:
        		{end}
        	object given to jsonpath engine was:
        		map[string]interface {}{"apiVersion":"v1", "kind":"Pod", "metadata":map[string]interface {}{"labels":map[string]interface {}{"app":"myapp", "tier":"web"}, "name":"myapp", "namespace":"default"}, "spec":map[string]interface {}{"containers":[]interface {}{map[string]interface {}{"image":"blux2/hello-server:1.0", "name":"hello-server", "ports":[]interface {}{map[string]interface {}{"containerPort":8080, "protocol":"TCP"}}}, map[string]interface {}{"image":"busybox:1.36", "name":"sidecar"}}}, "status":map[string]interface {}{"conditions":[]interface {}{map[string]interface {}{"status":"True", "type":"Initialized"}, map[string]interface {}{"status":"True", "type":"Ready"}, map[string]interface {}{"status":"False", "type":"PodScheduled"}}, "phase":"Running", "podIP":"10.244.0.5"}}


    "#]]);
}

#[test]
fn as_json() {
    let got = print_jsonpath_as_json("{.spec.containers[*].name}", &pod()).unwrap();
    expect![[r#"
        [
            "hello-server",
            "sidecar"
        ]
    "#]]
    .assert_eq(&got);
}

#[test]
fn custom_columns_like_notes() {
    let cc = CustomColumns::parse_spec("NAME:.metadata.name,IP:.status.podIP").unwrap();
    let items = list()["items"].as_array().unwrap().clone();
    expect![[r#"
        NAME   IP
        a      10.0.0.1
        b      <none>
    "#]]
    .assert_eq(&cc.render(&items, false).unwrap());
    let cc = CustomColumns::parse_spec("NAME:.metadata.name,IMAGES:.spec.containers[*].image,LABELS:.metadata.labels").unwrap();
    expect![[r#"
        NAME    IMAGES                                LABELS
        myapp   blux2/hello-server:1.0,busybox:1.36   map[app:myapp tier:web]
    "#]]
    .assert_eq(&cc.render(&[pod()], false).unwrap());
    expect!["unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"]
        .assert_eq(&CustomColumns::parse_spec("NAME").unwrap_err());
}

/// splitmix64, so each fuzz case replays from its seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{", "}", ".", "..", "[", "]", "*", "[*]", "[]", "[0]", "[-1]", "[1:]", "[::2]", "[0,1]", "[9223372036854775807]",
    "[-9223372036854775808]", "['name']", "[?(@.type==\"Ready\")]", "[?(@.x>1)]", "[?(", ")", "@", "$", "\"", "'", "\\",
    "\"\\n\"", "range ", "end", "{range .items[*]}", "{end}", "metadata", "name", "spec", "containers", "status",
    "conditions", "type", "items", "1.5", "-", "+", "true", ",", " ", "\t", "\n", "é", "😀", "==", "!=", "<", "x",
];

#[test]
fn fuzz_templates_never_panic() {
    let data = pod();
    let lst = list();
    for seed in 0..5000u64 {
        let mut rng = SplitMix(seed);
        let n = 1 + rng.below(12);
        let template: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        for d in [&data, &lst] {
            let _ = print_jsonpath(&template, d);
            let _ = print_jsonpath_as_json(&template, d);
            if let Ok(jp) = JsonPath::parse(&template) {
                let _ = jp.allow_missing_keys(false).execute(d);
            }
        }
        let _ = CustomColumns::parse_spec(&format!("A:{template}")).map(|c| c.render(std::slice::from_ref(&data), false));
    }
}

/// client-go jsonpath_test.go's `testJSONPath`: parse, execute, compare output or expect an error.
fn run_upstream(cases: &[(&str, &str, Option<&str>)], data: &Value, allow_missing: bool) {
    for (name, template, want) in cases {
        let jp = match JsonPath::parse(template) {
            Ok(jp) => jp.allow_missing_keys(allow_missing),
            Err(e) => {
                assert!(want.is_none(), "{name}: parse error {e}");
                continue;
            }
        };
        match (jp.execute(data), want) {
            (Ok(out), Some(w)) => assert_eq!(&out, w, "{name}"),
            (Err(_), None) => {}
            (got, w) => panic!("{name}: got {got:?}, want {w:?}"),
        }
    }
}

#[test]
fn upstream_json_input() {
    let points: Value = serde_json::from_str(
        r#"[{"id": "i1", "x":4, "y":-5}, {"id": "i2", "x":-2, "y":-5, "z":1}, {"id": "i3", "x":  8, "y":  3 },
            {"id": "i4", "x": -6, "y": -1 }, {"id": "i5", "x":  0, "y":  2, "z": 1 }, {"id": "i6", "x":  1, "y":  4 },
            {"id": "i7", "x":  null, "y":  4 }]"#,
    )
    .unwrap();
    run_upstream(
        &[("exists filter", "{[?(@.z)].id}", Some("i2 i5")), ("bracket key", "{[0]['id']}", Some("i1")), ("nil value", "{[-1]['x']}", Some("null"))],
        &points,
        false,
    );
}

#[test]
fn upstream_kubernetes() {
    let nodes: Value = serde_json::from_str(
        r#"{"kind": "List", "items":[
            {"kind":"None", "metadata":{"name":"127.0.0.1", "labels":{"kubernetes.io/hostname":"127.0.0.1"}},
             "status":{"capacity":{"cpu":"4"}, "ready": true, "addresses":[{"type": "LegacyHostIP", "address":"127.0.0.1"}]}},
            {"kind":"None", "metadata":{"name":"127.0.0.2", "labels":{"kubernetes.io/hostname":"127.0.0.2"}},
             "status":{"capacity":{"cpu":"8"}, "ready": false, "addresses":[{"type": "LegacyHostIP", "address":"127.0.0.2"}, {"type": "another", "address":"127.0.0.3"}]}}],
          "users":[{"name": "myself", "user": {}}, {"name": "e2e", "user": {"username": "admin", "password": "secret"}}]}"#,
    )
    .unwrap();
    run_upstream(
        &[
            ("range item", "{range .items[*]}{.metadata.name}, {end}{.kind}", Some("127.0.0.1, 127.0.0.2, List")),
            ("range item with quote", "{range .items[*]}{.metadata.name}{\"\\t\"}{end}", Some("127.0.0.1\t127.0.0.2\t")),
            ("range addresss", "{.items[*].status.addresses[*].address}", Some("127.0.0.1 127.0.0.2 127.0.0.3")),
            ("double range", "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", Some("127.0.0.1, 127.0.0.2, 127.0.0.3, ")),
            ("item name", "{.items[*].metadata.name}", Some("127.0.0.1 127.0.0.2")),
            ("union nodes capacity", "{.items[*]['metadata.name', 'status.capacity']}", Some(r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#)),
            ("range nodes capacity", "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", Some(r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#)),
            ("user password", "{.users[?(@.name==\"e2e\")].user.password}", Some("secret")),
            ("hostname", "{.items[0].metadata.labels.kubernetes\\.io/hostname}", Some("127.0.0.1")),
            ("hostname filter", "{.items[?(@.metadata.labels.kubernetes\\.io/hostname==\"127.0.0.1\")].kind}", Some("None")),
            ("bool item", "{.items[?(@..ready==true)].metadata.name}", Some("127.0.0.1")),
        ],
        &nodes,
        false,
    );
    // Upstream sorts this output because Go visits maps randomly; keys are sorted here.
    run_upstream(&[("recursive name", "{..name}", Some("127.0.0.1 127.0.0.2 myself e2e"))], &nodes, false);
}

#[test]
fn upstream_ranges() {
    let empty: Value = serde_json::from_str(r#"{"items":[]}"#).unwrap();
    run_upstream(
        &[
            ("empty range", "{range .items[*]}{.metadata.name}{end}", Some("")),
            ("empty nested range", "{range .items[*]}{.metadata.name}{\":\"}{range @.spec.containers[*]}{.name}{\",\"}{end}{\"+\"}{end}", Some("")),
        ],
        &empty,
        true,
    );
    let data: Value = serde_json::from_str(
        r#"{"items": [
            {"metadata": {"name": "pod1"}, "spec": {"containers": [
                {"name": "foo", "another": [{ "name": "value1" }, { "name": "value2" }]},
                {"name": "bar", "another": [{ "name": "value1" }, { "name": "value2" }]}]}},
            {"metadata": {"name": "pod2"}, "spec": {"containers": [
                {"name": "baz", "another": [{ "name": "value1" }, { "name": "value2" }]}]}}]}"#,
    )
    .unwrap();
    run_upstream(
        &[
            (
                "nested range with a trailing newline",
                "{range .items[*]}{.metadata.name}{\":\"}{range @.spec.containers[*]}{.name}{\",\"}{end}{\"+\"}{end}",
                Some("pod1:foo,bar,+pod2:baz,+"),
            ),
            (
                "nested range within another nested range",
                "{range .items[*]}{.metadata.name}{\"~\"}{range @.spec.containers[*]}{.name}{\":\"}{range @.another[*]}{.name}{\",\"}{end}{\"+\"}{end}{\"#\"}{end}",
                Some("pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#"),
            ),
            (
                "two nested ranges at the same level",
                "{range .items[*]}{.metadata.name}{\"\\t\"}{range @.spec.containers[*]}{.name}{\" \"}{end}{\"\\t\"}{range @.spec.containers[*]}{.name}{\" \"}{end}{\"\\n\"}{end}",
                Some("pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n"),
            ),
        ],
        &data,
        false,
    );
    let running: Value = serde_json::from_str(
        r#"{"kind": "List", "items": [
            {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
            {"resourceVersion": ""}]}"#,
    )
    .unwrap();
    run_upstream(
        &[("range over pods", "{range .items[?(.status.phase==\"Running\")]}{.metadata.name}{\" is Running\\n\"}{end}", Some("pod1 is Running\npod2 is Running\npod3 is Running\n"))],
        &running,
        true,
    );
}

#[test]
fn upstream_filter_missing_annotations() {
    let data: Value = serde_json::from_str(
        r#"{"kind": "List", "items": [
            {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
            {"kind": "Pod", "metadata": {"name": "pod2"}},
            {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
            {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}}]}"#,
    )
    .unwrap();
    let t = "{.items[?(@.metadata.annotations.color==\"blue\")].metadata.name}";
    run_upstream(&[("tolerate missing", t, Some("pod1 pod4"))], &data, true);
    run_upstream(&[("error on missing", t, None)], &data, false);
}

#[test]
fn upstream_indexes_and_steps() {
    let names = |n: usize| -> Value {
        let containers: Vec<Value> = (0..n).map(|i| json!({"image": "radial/busyboxplus:curl", "name": format!("fake{i}")})).collect();
        json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": containers}})
    };
    run_upstream(
        &[
            ("[0]", "{.spec.containers[0].name}", Some("fake0")),
            ("[0:0]", "{.spec.containers[0:0].name}", Some("")),
            ("[0:-1]", "{.spec.containers[0:-1].name}", Some("fake0 fake1 fake2")),
            ("[-1:0]", "{.spec.containers[-1:0].name}", None),
            ("[-1]", "{.spec.containers[-1].name}", Some("fake3")),
            ("[-1:]", "{.spec.containers[-1:].name}", Some("fake3")),
            ("[-2]", "{.spec.containers[-2].name}", Some("fake2")),
            ("[-2:]", "{.spec.containers[-2:].name}", Some("fake2 fake3")),
            ("[-3]", "{.spec.containers[-3].name}", Some("fake1")),
            ("[-4]", "{.spec.containers[-4].name}", Some("fake0")),
            ("[-4:]", "{.spec.containers[-4:].name}", Some("fake0 fake1 fake2 fake3")),
            ("[-5]", "{.spec.containers[-5].name}", None),
            ("[5:5]", "{.spec.containers[5:5].name}", Some("")),
            ("[-5:-5]", "{.spec.containers[-5:-5].name}", Some("")),
            ("[3:1]", "{.spec.containers[3:1].name}", None),
            ("[-1:-2]", "{.spec.containers[-1:-2].name}", None),
        ],
        &names(4),
        false,
    );
    run_upstream(
        &[
            ("[0:]", "{.spec.containers[0:].name}", Some("fake0 fake1 fake2 fake3 fake4 fake5")),
            ("[0:6:]", "{.spec.containers[0:6:].name}", Some("fake0 fake1 fake2 fake3 fake4 fake5")),
            ("[0:6:1]", "{.spec.containers[0:6:1].name}", Some("fake0 fake1 fake2 fake3 fake4 fake5")),
            ("[0:6:0]", "{.spec.containers[0:6:0].name}", None),
            ("[0:6:-1]", "{.spec.containers[0:6:-1].name}", None),
            ("[1:4:2]", "{.spec.containers[1:4:2].name}", Some("fake1 fake3")),
            ("[1:4:3]", "{.spec.containers[1:4:3].name}", Some("fake1")),
            ("[1:4:4]", "{.spec.containers[1:4:4].name}", Some("fake1")),
            ("[0:6:2]", "{.spec.containers[0:6:2].name}", Some("fake0 fake2 fake4")),
            ("[0:6:3]", "{.spec.containers[0:6:3].name}", Some("fake0 fake3")),
            ("[0:6:5]", "{.spec.containers[0:6:5].name}", Some("fake0 fake5")),
            ("[0:6:6]", "{.spec.containers[0:6:6].name}", Some("fake0")),
        ],
        &names(6),
        false,
    );
}

#[test]
fn upstream_types_input() {
    let types = json!({
        "bools": [true, false, true, false],
        "integers": [1, 2, 3, 4],
        "floats": [1.0, 2.2, 3.3, 4.0],
        "strings": ["one", "two", "three", "four"],
        "interfaces": [true, "one", 1, 1.1],
        "maps": [{"name": "one", "value": 1}, {"name": "two", "value": 2.02}, {"name": "three", "value": 3.03}, {"name": "four", "value": 4.04}]
    });
    run_upstream(
        &[
            ("boolSlice", "{ .bools }", Some("[true,false,true,false]")),
            ("boolSliceIndex", "{ .bools[-1] }", Some("false")),
            ("boolSubSliceStep2", "{ .bools[:4:2] }", Some("true true")),
            ("integerSlice", "{ .integers }", Some("[1,2,3,4]")),
            ("integerSliceIndexReverse", "{ .integers[-2] }", Some("3")),
            ("floatSlice", "{ .floats }", Some("[1,2.2,3.3,4]")),
            ("floatSliceIndex", "{ .floats[0] }", Some("1")),
            ("floatSubSliceFirst2", "{ .floats[0:2] }", Some("1 2.2")),
            ("stringSlice", "{ .strings }", Some(r#"["one","two","three","four"]"#)),
            ("stringSubSliceStep2", "{ .strings[:4:2] }", Some("one three")),
            ("interfaceSlice", "{ .interfaces }", Some(r#"[true,"one",1,1.1]"#)),
            ("interfaceSubSliceStep2", "{ .interfaces[:4:2] }", Some("true 1")),
            ("mapSliceIndexReverse", "{ .maps[-2] }", Some(r#"{"name":"three","value":3.03}"#)),
            ("mapSubSliceStepEven", "{ .maps[1::2] }", Some(r#"{"name":"two","value":2.02} {"name":"four","value":4.04}"#)),
        ],
        &types,
        false,
    );
}

/// kubectl customcolumn_test.go: TestMassageJSONPath and TestColumnPrint.
#[test]
fn upstream_custom_columns() {
    for (input, want) in [("foo.bar", "{.foo.bar}"), ("{foo.bar}", "{.foo.bar}"), (".foo.bar", "{.foo.bar}"), ("{.foo.bar}", "{.foo.bar}"), ("", "")] {
        assert_eq!(relaxed_json_path_expression(input).unwrap(), want, "{input}");
    }
    for bad in ["{foo.bar", "foo.bar}", "{foo.bar}}", "{{foo.bar}"] {
        assert!(relaxed_json_path_expression(bad).is_err(), "{bad}");
    }
    let pod = json!({"apiVersion": "baz", "metadata": {"name": "foo"}});
    let cc = CustomColumns::parse_spec("NAME:.metadata.name,API_VERSION:.apiVersion,NOT_FOUND:.notFound").unwrap();
    assert_eq!(cc.render(&[pod], false).unwrap(), "NAME   API_VERSION   NOT_FOUND\nfoo    baz           <none>\n");
    let cc = CustomColumns::parse_spec("NAME:.metadata.name").unwrap();
    let items = [json!({"metadata": {"name": "foo"}}), json!({"metadata": {"name": "bar"}})];
    assert_eq!(cc.render(&items, false).unwrap(), "NAME\nfoo\nbar\n");
    assert_eq!(cc.render(&[json!({"metadata": {"name": "\u{1b} \r"}})], false).unwrap(), "NAME\n^[ \\r\n");
}
