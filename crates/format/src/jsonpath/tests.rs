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
        let _ = CustomColumns::parse_spec(&format!("A:{template}")).map(|c| c.render(&[data.clone()], false));
    }
}
