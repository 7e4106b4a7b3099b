//! The kubeconfig file (`~/.kube/config`): read by kubectl, written by kind.

use serde_json::{json, Value};

/// Where kubectl looks: `$KUBECONFIG` (first entry) or `~/.kube/config`.
pub fn path(env: &std::collections::BTreeMap<String, String>) -> String {
    if let Some(k) = env.get("KUBECONFIG").filter(|k| !k.is_empty()) {
        return k.split(':').next().unwrap_or(k).to_string();
    }
    let home = env.get("HOME").map(String::as_str).unwrap_or("/root");
    format!("{home}/.kube/config")
}

/// A parsed kubeconfig (missing file = empty config).
#[derive(Debug, Clone, PartialEq)]
pub struct KubeConfig {
    pub doc: Value,
}

/// What one context resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub context: String,
    pub server: String,
    pub namespace: Option<String>,
}

impl KubeConfig {
    pub fn empty() -> KubeConfig {
        KubeConfig {
            doc: json!({"apiVersion": "v1", "clusters": null, "contexts": null, "current-context": "", "kind": "Config", "preferences": {}, "users": null}),
        }
    }

    /// Parses the file's text; a broken file is an error in kubectl's words.
    pub fn parse(text: &str, path: &str) -> Result<KubeConfig, String> {
        if text.trim().is_empty() {
            return Ok(KubeConfig::empty());
        }
        let docs = kubeniwa_format::yaml::parse_documents(text).map_err(|e| format!("error loading config file \"{path}\": {}", e.problem()))?;
        let doc = docs.into_iter().next().unwrap_or(Value::Null);
        if !doc.is_object() {
            return Err(format!("error loading config file \"{path}\": couldn't get version/kind; json parse error"));
        }
        Ok(KubeConfig { doc })
    }

    pub fn to_yaml(&self) -> String {
        kubeniwa_format::yaml::to_string(&self.doc)
    }

    pub fn current_context(&self) -> Option<&str> {
        self.doc["current-context"].as_str().filter(|c| !c.is_empty())
    }

    fn named<'a>(&'a self, list: &str, name: &str) -> Option<&'a Value> {
        self.doc[list].as_array()?.iter().find(|e| e["name"] == name)
    }

    pub fn context_names(&self) -> Vec<String> {
        self.doc["contexts"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(String::from)).collect()
    }

    /// Resolves a context (the current one when `context` is None).
    pub fn target(&self, context: Option<&str>) -> Result<Option<Target>, String> {
        let name = match context.or(self.current_context()) {
            Some(n) => n.to_string(),
            None => return Ok(None),
        };
        let ctx = self.named("contexts", &name).ok_or_else(|| format!("context was not found for specified context: {name}"))?;
        let cluster_name = ctx["context"]["cluster"].as_str().unwrap_or("");
        let cluster = self
            .named("clusters", cluster_name)
            .ok_or_else(|| format!("cluster \"{cluster_name}\" not found"))?;
        Ok(Some(Target {
            context: name,
            server: cluster["cluster"]["server"].as_str().unwrap_or("").to_string(),
            namespace: ctx["context"]["namespace"].as_str().map(String::from),
        }))
    }

    fn upsert(&mut self, list: &str, entry: Value) {
        let name = entry["name"].clone();
        if !self.doc[list].is_array() {
            self.doc[list] = json!([]);
        }
        let items = self.doc[list].as_array_mut().expect("just made an array");
        match items.iter_mut().find(|e| e["name"] == name) {
            Some(e) => *e = entry,
            None => items.push(entry),
        }
    }

    fn remove(&mut self, list: &str, name: &str) {
        if let Some(items) = self.doc[list].as_array_mut() {
            items.retain(|e| e["name"] != name);
            if items.is_empty() {
                self.doc[list] = Value::Null;
            }
        }
    }

    /// Adds a kind cluster's entries (`kind-NAME`) and makes it current.
    pub fn add_kind_cluster(&mut self, cluster: &str, server: &str) {
        let name = format!("kind-{cluster}");
        self.upsert("clusters", json!({"cluster": {"certificate-authority-data": CA_DATA, "server": server}, "name": name}));
        self.upsert("contexts", json!({"context": {"cluster": name, "user": name}, "name": name}));
        self.upsert("users", json!({"name": name, "user": {"client-certificate-data": CERT_DATA, "client-key-data": KEY_DATA}}));
        self.doc["current-context"] = json!(name);
    }

    /// Removes a kind cluster's entries; the current context is cleared if it was that.
    pub fn remove_kind_cluster(&mut self, cluster: &str) {
        let name = format!("kind-{cluster}");
        for list in ["clusters", "contexts", "users"] {
            self.remove(list, &name);
        }
        if self.current_context() == Some(name.as_str()) {
            self.doc["current-context"] = json!("");
        }
    }

    pub fn set_current_context(&mut self, name: &str) -> bool {
        if self.named("contexts", name).is_none() {
            return false;
        }
        self.doc["current-context"] = json!(name);
        true
    }

    pub fn set_context_namespace(&mut self, context: &str, namespace: &str) -> bool {
        let Some(items) = self.doc["contexts"].as_array_mut() else { return false };
        match items.iter_mut().find(|e| e["name"] == context) {
            Some(e) => {
                e["context"]["namespace"] = json!(namespace);
                true
            }
            None => false,
        }
    }

    /// The config with certificate data replaced, as `kubectl config view` shows it.
    pub fn redacted(&self) -> Value {
        let mut doc = self.doc.clone();
        for (list, field, keys) in [
            ("clusters", "cluster", &["certificate-authority-data"][..]),
            ("users", "user", &["client-certificate-data", "client-key-data", "token"][..]),
        ] {
            if let Some(items) = doc[list].as_array_mut() {
                for item in items {
                    for k in keys {
                        if item[field].get(*k).is_some() {
                            item[field][*k] = json!(if *k == "token" { "REDACTED" } else { "DATA+OMITTED" });
                        }
                    }
                }
            }
        }
        doc
    }
}

// Stand-ins for the certificates kind generates (base64 of PEM headers and a marker).
const CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJS3ViZW5pd2FDQQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";
const CERT_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURLVENDQWhHZ0F3SUJBZ0lJS3ViZW5pd2FVc2VyCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";
const KEY_DATA: &str = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBS3ViZW5pd2FLZXkKLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K";
